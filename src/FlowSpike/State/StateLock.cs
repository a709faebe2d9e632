namespace FlowSpike.State;

/// <summary>
/// An exclusive advisory lock held for a whole run, so a second run on the same state fails at once instead of
/// interleaving windows. It keys on what the state is, not how its path was spelled: "REAL.lock" beside the state's
/// real path (a symlinked folder or a relative path reach the same lock), and on Unix a flock on the state file itself
/// (a hard link reaches the same file). The OS releases both when the process dies, even by kill -9.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileStream _lockFile;
    private readonly FileStream? _stateFile;

    private StateLock(FileStream lockFile, FileStream? stateFile)
    {
        _lockFile = lockFile;
        _stateFile = stateFile;
    }

    /// <summary>
    /// Takes the lock of the state at <paramref name="realPath"/> (already resolved); creates the state file when
    /// <paramref name="create"/>, else requires it.
    /// </summary>
    public static StateLock Acquire(string realPath, string shown, bool create = true)
    {
        string lockPath = realPath + ".lock";
        FileStream? lockFile = null;
        try
        {
            // FileShare.None takes an exclusive flock on Unix.
            lockFile = Open(lockPath, FileMode.OpenOrCreate, shown, lockPath);
            // SQLite locks with fcntl, which flock does not disturb; on Windows a share lock would keep SQLite out.
            var stateFile = OperatingSystem.IsWindows() ? null
                : Open(realPath, create ? FileMode.OpenOrCreate : FileMode.Open, shown, lockPath);
            return new StateLock(lockFile, stateFile);
        }
        catch
        {
            lockFile?.Dispose();
            throw;
        }
    }

    private static FileStream Open(string path, FileMode mode, string shown, string lockPath)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new StateException($"{shown}: the state is in use by another flowspike process " +
                $"(lock {lockPath} is held); wait for it to finish", e, inUse: true);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StateException($"{shown}: cannot lock {path}: {e.Message}", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException
            or FileNotFoundException)
        {
            throw new StateException($"{shown}: cannot lock {path}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _stateFile?.Dispose();
        _lockFile.Dispose();
    }

    // A held lock: EWOULDBLOCK (11) from flock on Unix, ERROR_SHARING_VIOLATION (32) on Windows.
    private static bool IsSharingViolation(IOException e) => (e.HResult & 0xFFFF) is 11 or 32;
}
