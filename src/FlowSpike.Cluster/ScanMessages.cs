using FlowSpike.Aggregation;
using FlowSpike.Cluster.Wire;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.Selection;

namespace FlowSpike.Cluster;

/// <summary>Turns the local run's options into a <see cref="ScanMessage"/> and back, so a silo scans exactly as the
/// local command would.</summary>
internal static class ScanMessages
{
    public static ScanMessage From(InputOptions input, long from, long to, long windowSeconds, bool keepDetails,
        int shards,
        EntityKind entity = EntityKind.SrcIp)
    {
        string? format = input.FallbackLayout == FlowLayout.Default ? null : string.Join(' ',
            input.FallbackLayout.Names.Select(n => "${" + n + "}"));
        if (format is not null && (!FlowLayout.TryFromFormatString(format, out var back,
            out _) || !back!.Names.SequenceEqual(input.FallbackLayout.Names)))
            throw new RunException($"{Setting.Name(nameof(JobSettings.LogFormat))}: this layout cannot be sent to " +
                $"the cluster");
        return new ScanMessage
        {
            From = from,
            To = to,
            WindowSeconds = windowSeconds,
            KeepDetails = keepDetails,
            Internal = [.. input.Internal.Networks.Select(n => n.ToString()),
                .. input.Internal.Ipv6Networks.Select(n => n.ToString())],
            LogFormat = format,
            InputFormat = input.Format.ToString(),
            SkipUnsupported = input.SkipUnsupported,
            S3EndpointUrl = input.S3?.EndpointUrl,
            S3Region = input.S3?.Region,
            Shards = shards,
            Entity = EntityRegistry.NameOf(entity),
        };
    }

    /// <summary>The options of a single-threaded local scan: the cluster's parallelism is many tasks at once.</summary>
    public static ScanOptions Options(ScanMessage job)
    {
        var layout = FlowLayout.Default;
        if (job.LogFormat is not null && !FlowLayout.TryFromFormatString(job.LogFormat, out layout, out string? error))
            throw new RunException($"{Setting.Name(nameof(JobSettings.LogFormat))}: {error}");
        if (!EntityRegistry.TryParseKind(job.Entity, out var kind))
            throw new RunException($"unknown entity keying '{job.Entity}'");
        var internalNets = CidrSet.Parse(job.Internal);
        return new ScanOptions
        {
            // A task numbers the hosts beyond IPv4 sources on its own; they leave it by name (PartialCodec).
            Entities = kind == EntityKind.SrcIp && !internalNets.HasIpv6 ? null : new EntityRegistry(kind),
            From = job.From,
            To = job.To,
            WindowSeconds = job.WindowSeconds,
            KeepDetails = job.KeepDetails,
            Internal = internalNets,
            FallbackLayout = layout!,
            Format = Enum.Parse<InputFormat>(job.InputFormat, ignoreCase: true),
            Threads = 1,
            SkipUnsupported = job.SkipUnsupported,
        };
    }

    public static InputFile Input(ScanMessage job, ScanTask task)
    {
        if (!S3Uri.IsS3(task.Path))
            return new InputFile(task.Path, task.Length);
        var uri = S3Uri.Parse(task.Path);
        // The silo's own credential chain: no secret travels with a job or lands in the cluster's storage.
        var s3 = S3Clients.GetOrAdd((job.S3EndpointUrl, job.S3Region),
            k => (S3Settings.FromEnvironment(k.Endpoint) with
            {
                Region = k.Region
                ?? S3Settings.FromEnvironment().Region
            }).CreateClient());
        return new InputFile(task.Path, task.Length) { OpenRemote = () => S3Lister.Open(s3, uri.Bucket, uri.Prefix) };
    }

    /// <summary>One client per endpoint and region per silo: clients pool their connections.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string? Endpoint,
        string? Region), Amazon.S3.AmazonS3Client> S3Clients = new();

    /// <summary>A task id that is the same for the same job settings and object, so retries and reruns never count an
    /// object twice.</summary>
    public static string TaskId(ScanMessage job, InputFile file)
    {
        string stamp = file.Version ?? (file.IsRemote || file.IsStdin
            ? ""
            : File.GetLastWriteTimeUtc(file.Path).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string identity = string.Join('\n', job.From, job.To, job.WindowSeconds, job.KeepDetails,
            string.Join(',', job.Internal), job.LogFormat, job.InputFormat, job.Shards, job.Entity,
            Path.GetFullPath(file.Path), file.Length, stamp);
        if (S3Uri.IsS3(file.Path))
            identity = identity.Replace(Path.GetFullPath(file.Path), file.Path, StringComparison.Ordinal);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
