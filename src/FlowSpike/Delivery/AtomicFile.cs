namespace FlowSpike.Delivery;

/// <summary>
/// A whole file or none: written beside the target, flushed to disk, then renamed over it, so that a reader never
/// sees half a file and a failed write leaves the old file as it was.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes. A failure is thrown as it came
    /// (IOException for a full disk or a missing folder), with the temporary file removed.
    /// </summary>
    public static void Replace(string path, Action<Stream> write)
    {
        string tmp = TemporaryOf(path);
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>The file written beside <paramref name="path"/> before the rename.</summary>
    public static string TemporaryOf(string path) => path + ".tmp";

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
