namespace FlowSpike.Records;

/// <summary>Expands the user's --input arguments: files as given, directories recursively in ordinal order, "-" for stdin.</summary>
public static class InputSet
{
    /// <summary>Delivery lags capture: records of an hour can sit in files stamped up to an hour later (or earlier).</summary>
    public const long Slack = 3600;

    /// <summary>
    /// Expands inputs. For s3:// inputs, <paramref name="from"/> and <paramref name="to"/> prune the listing (with an
    /// hour of slack either side for late delivery) and <paramref name="s3"/> says how to reach the store.
    /// </summary>
    public static IReadOnlyList<InputFile> Expand(IEnumerable<string> inputs, long? from = null, long? to = null, S3Settings? s3 = null)
    {
        var files = new List<InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            if (input == "-")
            {
                if (seen.Add("-"))
                    files.Add(new InputFile("-", -1));
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
                        files.Add(new InputFile(path, o.Size) { OpenRemote = () => S3Lister.Open(client, uri.Bucket, o.Key), Version = o.ETag });
                }
                continue;
            }
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden })
                    .Order(StringComparer.Ordinal);
                foreach (string f in found)
                {
                    string full = Path.GetFullPath(f);
                    if (seen.Add(full))
                        files.Add(new InputFile(f, LengthOf(f)));
                }
            }
            else if (File.Exists(input))
            {
                if (seen.Add(Path.GetFullPath(input)))
                    files.Add(new InputFile(input, LengthOf(input)));
            }
            else
            {
                throw new FlowInputException($"{input}: no such file or directory");
            }
        }
        return files;
    }

    /// <summary>The size of the file a path leads to, following symbolic links.</summary>
    private static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? info.Length : info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target.Length : info.Length;
    }
}
