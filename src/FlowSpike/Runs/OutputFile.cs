using System.Text;
using FlowSpike.Delivery;

namespace FlowSpike.Runs;

/// <summary>A file a command writes for the user (an export, a report), replaced whole (<see cref="AtomicFile"/>).
/// </summary>
internal static class OutputFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/> (UTF-8, no byte order mark). A folder that does
    /// not exist, or a write or rename that fails, is a <see cref="RunException"/> naming the target, and no
    /// temporary file is left behind.
    /// </summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir))
            throw new RunException($"{path}: cannot write: the folder {dir} does not exist");
        if (Directory.Exists(full))
            throw new RunException($"{path}: cannot write: it is a folder");
        try
        {
            AtomicFile.Replace(full, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                write(writer);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string message = e.Message.Replace(AtomicFile.TemporaryOf(full), full, StringComparison.Ordinal);
            throw new RunException($"{path}: cannot write: {message}");
        }
    }
}
