namespace FlowSpike.Records;

/// <summary>Expands the user's --input arguments: files as given, directories recursively in ordinal order, "-" for
/// stdin.</summary>
internal static class InputSet
{
    /// <summary>A hard link to a file already taken is the same file: false for it. One statx gives the size and
    /// the inode (listing is serial, and thousands of small files make it show); the slow way where there is none.
    /// </summary>
    private static bool NewFile(string path, HashSet<(ulong, ulong)> nodes, HashSet<string> inodes, out long size)
    {
        if (FileIdentity.TryStat(path, follow: true, out _, out _, out size, out var node))
            return nodes.Add(node);
        if (FileIdentity.DeviceAndInode(path) is { } inode && !inodes.Add(inode))
            return false;
        size = new FileInfo(path).Length;
        return true;
    }

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
        var nodes = new HashSet<(ulong, ulong)>();
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
                var found = new List<Found>();
                Walk(input, real, folders, found, warn);
                found.Sort((a, b) => string.CompareOrdinal(a.Spelled, b.Spelled));
                foreach (var f in found)
                {
                    if (!seen.Add(f.Real))
                        continue;
                    long size = f.Size;
                    if (size >= 0 ? nodes.Add(f.Node) : NewFile(f.Real, nodes, inodes, out size))
                        files.Add(new InputFile(f.Spelled, size) { Identity = f.Real });
                }
            }
            else if (seen.Add(real) && NewFile(real, nodes, inodes, out long size))
            {
                files.Add(new InputFile(input, size) { Identity = real });
            }
        }
        return files;
    }

    /// <summary>A file found under a folder; on Linux with its size and device and inode (Size -1: not known yet).
    /// </summary>
    private struct Found(string spelled, string real)
    {
        public string Spelled = spelled, Real = real;
        public long Size = -1;
        public (ulong, ulong) Node;
    }

    /// <summary>
    /// Every file under a folder, with its real path. Symbolic links are followed once: a folder reached again (a link
    /// to one of the input's own folders, or a loop back to a parent) is not walked twice; a dangling link and a loop
    /// are warnings. On Linux one statx of each entry (links not followed) says what it is and gives a file's size and
    /// inode; elsewhere, and for links, the file system is asked the slower way.
    /// </summary>
    private static void Walk(string root, string realRoot, HashSet<string> folders, List<Found> found,
        Action<string>? warn)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = false,
            AttributesToSkip = FileAttributes.Hidden,
        };
        bool statx = OperatingSystem.IsLinux();
        if (statx)
            options.AttributesToSkip = 0; // Linux's hidden is the leading dot, tested below without a stat
        var pending = new Stack<(string Spelled, string Real)>();
        if (folders.Add(realRoot))
            pending.Push((root, realRoot));
        while (pending.Count > 0)
        {
            var (dir, realDir) = pending.Pop();
            var names = new System.IO.Enumeration.FileSystemEnumerable<string>(
                dir, (ref System.IO.Enumeration.FileSystemEntry e) => e.FileName.ToString(), options);
            foreach (string name in names)
            {
                if (statx && name.StartsWith('.'))
                    continue;
                string spelled = Path.Join(dir, name);
                string real = Path.Join(realDir, name);
                var file = new Found(spelled, real);
                bool folder, link;
                if (!statx || !FileIdentity.TryStat(real, follow: false, out folder, out link, out file.Size,
                    out file.Node))
                {
                    link = (File.GetAttributes(spelled) & FileAttributes.ReparsePoint) != 0;
                    folder = !link && Directory.Exists(real);
                    file.Size = -1;
                }
                if (link)
                {
                    string? target = FileIdentity.TryResolve(spelled, out var failure);
                    if (target is null)
                    {
                        warn?.Invoke(failure == FileIdentity.Failure.Loop
                            ? $"{spelled}: a loop of symbolic links; skipped"
                            : $"{spelled}: a symbolic link to a missing target; skipped");
                        continue;
                    }
                    file = new Found(spelled, target);
                    folder = Directory.Exists(target);
                }
                if (folder)
                {
                    // A folder already walked (or being walked: a loop) is not walked again.
                    if (folders.Add(file.Real))
                        pending.Push((spelled, file.Real));
                    else if (IsWithin(realDir, file.Real))
                    {
                        warn?.Invoke(
                            $"{spelled}: a symbolic link back to {file.Real}, a folder it is in (a loop); skipped");
                    }
                }
                else
                {
                    found.Add(file);
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
