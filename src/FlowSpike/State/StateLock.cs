namespace FlowSpike.State;

/// <summary>
/// An exclusive advisory lock on "STATE.lock" held for a whole run, so a second run on the same state fails at once
/// instead of interleaving windows. The OS releases it when the process dies, even by kill -9.
/// </summary>
public sealed class StateLock : IDisposable
{
    private readonly FileStream _stream;

    private StateLock(FileStream stream) => _stream = stream;

    public static StateLock Acquire(string statePath)
    {
        string lockPath = statePath + ".lock";
        try
        {
            // FileShare.None takes an exclusive flock on Unix.
            return new StateLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new StateException($"{statePath}: the state is in use by another flowspike process (lock {lockPath} is held); wait for it to finish", e);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StateException($"{statePath}: cannot create the lock file {lockPath}: {e.Message}", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new StateException($"{statePath}: cannot create the lock file {lockPath}: {e.Message}", e);
        }
    }

    public void Dispose() => _stream.Dispose();

    // A held lock: EWOULDBLOCK (11) from flock on Unix, ERROR_SHARING_VIOLATION (32) on Windows.
    private static bool IsSharingViolation(IOException e) => (e.HResult & 0xFFFF) is 11 or 32;
}
