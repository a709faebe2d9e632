using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FlowSpike.Delivery;

/// <summary>
/// A file opened for appending with O_APPEND, which .NET's FileMode.Append does not set: every write lands at the
/// file's current end even after logrotate's copytruncate cut it to zero (no run of NUL bytes before the next line).
/// </summary>
internal static partial class AppendOnlyFile
{
    private const int WriteOnly = 0x1, Create = 0x40, Append = 0x400, CloseOnExec = 0x80000; // Linux

    /// <summary>Bumped by <see cref="FileAlertSink.ReopenAll"/> (SIGHUP): every file sink reopens its path.</summary>
    private static int _generation;

    public static int Generation => Volatile.Read(ref _generation);

    public static void NextGeneration() => Interlocked.Increment(ref _generation);

    public static FileStream Open(string path)
    {
        if (!OperatingSystem.IsLinux())
            return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        int fd = OpenFile(path, WriteOnly | Create | Append | CloseOnExec, Convert.ToInt32("666", 8));
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenFile(string path, int flags, int mode);
}
