using System.Text;

namespace FlowSpike.Runs;

/// <summary>
/// A whole file or none: written beside the target, flushed to disk, then renamed over it, so that a reader never
/// sees half a file and a failed write leaves the old file as it was.
/// </summary>
public static class AtomicFile
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
        string tmp = full + ".tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                    write(writer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new RunException($"{path}: cannot write: {e.Message.Replace(tmp, full, StringComparison.Ordinal)}");
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the write already failed, and that is the error worth reporting.
        }
    }
}
