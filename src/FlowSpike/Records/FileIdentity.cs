using System.Runtime.InteropServices;

namespace FlowSpike.Records;

/// <summary>
/// What a local file is, not how it was spelled: its real path (absolute, every symbolic link resolved, no "." or
/// ".."), found with the C library's realpath on Unix. The ledger, the dedup of inputs and the state lock key on it,
/// with the file's size and modification time as its version. Within one run, inputs are also told apart by device
/// and inode (Linux statx, whose layout is the same on every architecture), so two hard links to one file count once.
/// </summary>
internal static partial class FileIdentity
{
    /// <summary>Why a path has no real path.</summary>
    public enum Failure
    {
        None,
        Missing,
        Loop,
        Other,
    }

    /// <summary>The real path of <paramref name="path"/>, or null and why (a dangling link is Missing).</summary>
    public static string? TryResolve(string path, out Failure failure)
    {
        failure = Failure.None;
        if (OperatingSystem.IsWindows())
            return ResolveManaged(path, ref failure);
        IntPtr resolved = RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            int errno = Marshal.GetLastPInvokeError();
            // ENOENT 2, ENOTDIR 20, ELOOP 40 on Linux (62 on macOS).
            failure = errno is 2 or 20 ? Failure.Missing : errno is 40 or 62 ? Failure.Loop : Failure.Other;
            return null;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>The real path, or the absolute spelling when it cannot be resolved (a missing file).</summary>
    public static string Canonical(string path) => TryResolve(path, out _) ?? Path.GetFullPath(path);

    /// <summary>The version part of a local file's identity: its size and modification time.</summary>
    public static string Version(string path) =>
        File.GetLastWriteTimeUtc(path).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? ResolveManaged(string path, ref Failure failure)
    {
        try
        {
            var info = new FileInfo(Path.GetFullPath(path));
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists)
                {
                    failure = Failure.Missing;
                    return null;
                }
                return target.FullName;
            }
            if (!info.Exists && !Directory.Exists(info.FullName))
            {
                failure = Failure.Missing;
                return null;
            }
            return info.FullName;
        }
        catch (IOException)
        {
            failure = Failure.Loop;
            return null;
        }
    }

    /// <summary>"DEV:INO" of a file on Linux, or null where statx is not available (the real path then
    /// serves).</summary>
    public static string? DeviceAndInode(string path)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            // AT_FDCWD, flags 0 (follow links), mask STATX_INO.
            if (Statx(-100, path, 0, 0x100, ref MemoryMarshal.GetReference(buffer)) != 0)
                return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
        // struct statx: stx_mask at 0, stx_ino at 32, stx_dev_major at 136, stx_dev_minor at 140.
        if ((BitConverter.ToUInt32(buffer) & 0x100) == 0)
            return null;
        ulong inode = BitConverter.ToUInt64(buffer[32..]);
        uint major = BitConverter.ToUInt32(buffer[136..]), minor = BitConverter.ToUInt32(buffer[140..]);
        return $"{major}.{minor}:{inode}";
    }

    /// <summary>What one statx call says of a path (<paramref name="follow"/>: of a link's target): a folder, a
    /// symbolic link, its size, and its device and inode; false where statx is not available or fails (the caller
    /// then asks the slower way).</summary>
    internal static bool TryStat(string path, bool follow, out bool folder, out bool link, out long size,
        out (ulong Device, ulong Inode) node)
    {
        folder = link = false;
        size = 0;
        node = default;
        if (!OperatingSystem.IsLinux() || !s_statx)
            return false;
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            // AT_FDCWD, flags AT_SYMLINK_NOFOLLOW (0x100) or 0, mask STATX_TYPE | STATX_SIZE | STATX_INO.
            if (Statx(-100, path, follow ? 0 : 0x100, 0x1 | 0x200 | 0x100, ref MemoryMarshal.GetReference(buffer)) != 0)
                return false;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_statx = false;
            return false;
        }
        // struct statx: stx_mask at 0, stx_mode at 28 (u16), stx_ino at 32, stx_size at 40, dev major/minor at 136.
        if ((BitConverter.ToUInt32(buffer) & 0x301) != 0x301)
            return false;
        int type = BitConverter.ToUInt16(buffer[28..]) & 0xF000;
        folder = type == 0x4000;
        link = type == 0xA000;
        size = (long)BitConverter.ToUInt64(buffer[40..]);
        ulong device = ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]);
        node = (device, BitConverter.ToUInt64(buffer[32..]));
        return true;
    }

    private static bool s_statx = true;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr RealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);
}
