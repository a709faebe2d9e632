namespace FlowSpike.Records;

/// <summary>Expands the user's --input arguments: files as given, directories recursively in ordinal order, "-" for
/// stdin.</summary>
public static class InputSet
{
    /// <summary>A hard link to a file already taken is the same file: false for it.</summary>
    private static bool NewFile(string path, HashSet<string> inodes) =>
        FileIdentity.DeviceAndInode(path) is not { } inode || inodes.Add(inode);

    /// <summary>Delivery lags capture: records of an hour can sit in files stamped up to an hour later (or
    /// earlier).</summary>
    public const long Slack = 3600;

    /// <summary>
    /// Expands inputs. For s3:// inputs, <paramref name="from"/> and <paramref name="to"/> prune the listing (with an
    /// hour of slack either side for late delivery) and <paramref name="s3"/> says how to reach the store.
    /// </summary>
    public static IReadOnlyList<InputFile> Expand(IEnumerable<string> inputs, long? from = null, long? to = null,
        S3Settings? s3 = null, Action<string>? warn = null, CloudWatchLogsSource.Settings? logs = null)
    {
        var files = new List<InputFile>();
        // Inputs are deduplicated by what they are (real path, or bucket and key), not by how they were spelled.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            if (input == "-")
            {
                if (seen.Add("-"))
                    files.Add(new InputFile("-", -1));
                continue;
            }
            if (CloudWatchLogsSource.IsCloudWatch(input))
            {
                var group = CloudWatchLogsSource.Input(input, from, to, logs);
                if (seen.Add(group.Identity))
                    files.Add(group);
                continue;
            }
            if (S3Uri.IsS3(input))
            {
                var uri = S3Uri.Parse(input);
                var settings = s3 ?? S3Settings.FromEnvironment();
                var client = settings.CreateClient();
                foreach (var o in new S3Lister(client, settings.ListPageSize).List(uri, from - Slack, to + Slack))
                {
                    string path = uri.Key(o.Key);
                    if (seen.Add(path))
                        files.Add(new InputFile(path, o.Size)
                        {
                            OpenRemote = () => S3Lister.Open(client, uri.Bucket, o.Key),
                            Version = o.ETag,
                        });
                }
                continue;
            }
            string? real = FileIdentity.TryResolve(input, out var failure);
            if (real is null)
            {
                throw new FlowInputException(failure == FileIdentity.Failure.Loop
                    ? $"{input}: a loop of symbolic links"
                    : $"{input}: no such file or directory"
                        + (IsLink(input) ? " (a symbolic link to a missing target)" : ""));
            }
            if (Directory.Exists(real))
            {
                var found = new List<(string Spelled, string Real)>();
                Walk(input, real, folders, found, warn);
                foreach (var (spelled, path) in found.OrderBy(f => f.Spelled, StringComparer.Ordinal))
                {
                    if (seen.Add(path) && NewFile(path, inodes))
                        files.Add(new InputFile(spelled, new FileInfo(path).Length) { Identity = path });
                }
            }
            else if (seen.Add(real) && NewFile(real, inodes))
            {
                files.Add(new InputFile(input, new FileInfo(real).Length) { Identity = real });
            }
        }
        return files;
    }

    /// <summary>
    /// Every file under a folder, with its real path. Symbolic links are followed once: a folder reached again (a link
    /// to one of the input's own folders, or a loop back to a parent) is not walked twice; a dangling link and a loop
    /// are warnings.
    /// </summary>
    private static void Walk(string root, string realRoot, HashSet<string> folders, List<(string, string)> found,
        Action<string>? warn)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            AttributesToSkip = FileAttributes.Hidden,
        };
        var pending = new Stack<(string Spelled, string Real)>();
        if (folders.Add(realRoot))
            pending.Push((root, realRoot));
        while (pending.Count > 0)
        {
            var (dir, realDir) = pending.Pop();
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", options))
            {
                string spelled = Path.Join(dir, entry.Name);
                string real = Path.Join(realDir, entry.Name);
                if ((entry.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    string? target = FileIdentity.TryResolve(spelled, out var failure);
                    if (target is null)
                    {
                        warn?.Invoke(failure == FileIdentity.Failure.Loop
                            ? $"{spelled}: a loop of symbolic links; skipped"
                            : $"{spelled}: a symbolic link to a missing target; skipped");
                        continue;
                    }
                    real = target;
                }
                if (Directory.Exists(real))
                {
                    // A folder already walked (or being walked: a loop) is not walked again.
                    if (folders.Add(real))
                        pending.Push((spelled, real));
                    else if (IsWithin(realDir, real))
                        warn?.Invoke($"{spelled}: a symbolic link back to {real}, a folder it is in (a loop); skipped");
                }
                else
                {
                    found.Add((spelled, real));
                }
            }
        }
    }

    /// <summary>Whether <paramref name="dir"/> is <paramref name="folder"/> or inside it.</summary>
    private static bool IsWithin(string dir, string folder) =>
        dir == folder || dir.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
