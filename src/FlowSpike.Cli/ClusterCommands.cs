using System.CommandLine;
using System.Net;
using FlowSpike.Cluster;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Jobs;
using FlowSpike.Runs;
using FlowSpike.State;
using Microsoft.Extensions.DependencyInjection;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike cluster ...`: a silo, and baseline / detect / lookup export run on the cluster with the local commands'
/// options. --state names the state held by the cluster instead of a SQLite file.
/// </summary>
internal static class ClusterCommands
{
    public static Command Build()
    {
        var cluster = new Command("cluster",
            "Run on a Microsoft Orleans cluster: silos scan the inputs in parallel and hold the baselines in shards " +
                "(Redis membership and state).");
        cluster.Subcommands.Add(Silo());
        cluster.Subcommands.Add(Baseline());
        cluster.Subcommands.Add(Detect());
        var lookup = new Command("lookup", "The lookup held by the cluster.");
        lookup.Subcommands.Add(Export());
        cluster.Subcommands.Add(lookup);
        return cluster;
    }

    private sealed class Connection
    {
        public Option<string> Clustering { get; } = new("--clustering")
        {
            Description = "Where membership and grain " +
            "state live: redis://HOST:PORT.",
            Required = true,
            HelpName = "URI"
        };
        public Option<string> ClusterId { get; } = new("--cluster-id")
        {
            Description = "The cluster to join.",
            DefaultValueFactory = _ => ClusterNames.DefaultClusterId,
            HelpName = "ID"
        };

        public void AddTo(Command c)
        {
            c.Options.Add(Clustering);
            c.Options.Add(ClusterId);
        }

        public ClusterConnection Parse(ParseResult r) => ClusterConnection.Parse(r.GetValue(Clustering)!,
            r.GetValue(ClusterId)!);
    }

    private static Command Silo()
    {
        var connection = new Connection();
        var address = new Option<string>("--address")
        {
            Description = "Address to listen on and advertise.",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "IP"
        };
        var siloPort = new Option<int>("--silo-port")
        {
            Description = "Port for silo-to-silo traffic.",
            DefaultValueFactory = _ => 11111,
            HelpName = "PORT"
        };
        var gatewayPort = new Option<int>("--gateway-port")
        {
            Description = "Port clients connect to.",
            DefaultValueFactory = _ => 30000,
            HelpName = "PORT"
        };
        var slots = new Option<int>("--scan-slots")
        {
            Description = "Scan tasks this silo runs at once (default: its " +
            "cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            HelpName = "N"
        };
        var cmd = new Command("silo", "Start a silo and serve until SIGTERM or Ctrl-C.");
        connection.AddTo(cmd);
        foreach (var o in new Option[] { address, siloPort, gatewayPort, slots })
            cmd.Options.Add(o);
        cmd.SetAction(r => Run(() =>
        {
            if (!IPAddress.TryParse(r.GetValue(address), out var ip))
                throw new RunException($"--address: '{r.GetValue(address)}' is not an IP address");
            var settings = new SiloSettings
            {
                Connection = connection.Parse(r),
                Address = ip,
                SiloPort = r.GetValue(siloPort),
                GatewayPort = r.GetValue(gatewayPort),
                ScanSlots = Math.Max(1, r.GetValue(slots)),
            };
            using var stop = new CancellationTokenSource();
            using var signals = new StopSignals(stop);
            FlowSpikeSilo.RunAsync(settings, stop.Token).GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }

    private static Option<int> ShardsOption() =>
        new("--shards")
        {
            Description = "Source shards of a new cluster state (an existing state keeps its count).",
            DefaultValueFactory = _ => ClusterNames.DefaultShards,
            HelpName = "N"
        };

    private static Command Baseline()
    {
        var flags = new JobFlags();
        var connection = new Connection();
        var span = BaselineCommand.Span();
        var shards = ShardsOption();
        var cmd = new Command("baseline",
            "The baseline command, run on the cluster: replaces the cluster state's lookup.");
        flags.AddTo(cmd);
        connection.AddTo(cmd);
        cmd.Options.Add(span);
        cmd.Options.Add(shards);
        cmd.SetAction(r => Run(() =>
        {
            var job = BaselineOptions.Resolve(flags.Bind(r) with { SpanSeconds = Given.Seconds(r, span) },
                flags.LoadConfig(r));
            var log = flags.Log(r);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r)).GetAwaiter().GetResult();
            var coordinator = Coordinator(host, job.State, log, r.GetValue(shards), job.Entity);
            coordinator.BaselineAsync(job).GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }

    private static Command Detect()
    {
        var flags = new JobFlags();
        var detection = new DetectFlags();
        var connection = new Connection();
        var shards = ShardsOption();
        var allowSpanMismatch = DetectCommand.AllowSpanMismatch();
        var cmd = new Command("detect",
            "The detect command, run on the cluster: closes each window in order and writes the same alerts.");
        flags.AddTo(cmd);
        detection.AddTo(cmd);
        connection.AddTo(cmd);
        cmd.Options.Add(shards);
        cmd.Options.Add(allowSpanMismatch);
        cmd.SetAction(r => Run(() =>
        {
            var settings = detection.Bind(r, flags.Bind(r)) with
            {
                AllowSpanMismatch = Given.Val(r, allowSpanMismatch),
            };
            var job = DetectOptions.Resolve(settings, flags.LoadConfig(r));
            var log = flags.Log(r);
            if (settings.HistoryRetentionSeconds is not null)
            {
                log.Warn("--history-retention: the cluster keeps no per-host history yet " +
                    "(explain and report read a local state)");
            }
            using var dispatcher = job.CreateDispatcher(log);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r)).GetAwaiter().GetResult();
            var coordinator = Coordinator(host, job.State, log, r.GetValue(shards), job.Entity);
            var result = coordinator.DetectAsync(job, dispatcher).GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return DetectCommand.Summary(log, result.WindowsApplied, result.Alerts, result.Held, dispatcher);
        }));
        return cmd;
    }

    private static ClusterCoordinator Coordinator(Microsoft.Extensions.Hosting.IHost host, string state, IRunLog log,
        int shards, Selection.EntityKind? entity) =>
        new(host.Services.GetRequiredService<IClusterClient>(), state, log) { Shards = shards, Entity = entity };

    private static Command Export()
    {
        var connection = new Connection();
        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o")
        {
            Description = "CSV output; - is stdout.",
            DefaultValueFactory = _ => "-",
            HelpName = "FILE"
        };
        var cmd = new Command("export", "Write the cluster state's lookup as Splunk CSV.") { state, output };
        connection.AddTo(cmd);
        cmd.SetAction(r => Run(() =>
        {
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r)).GetAwaiter().GetResult();
            var (rows, names) = new ClusterCoordinator(host.Services.GetRequiredService<IClusterClient>(),
                r.GetValue(state)!, new StderrLog(false)).LookupAsync().GetAwaiter().GetResult();
            string outPath = r.GetValue(output)!;
            if (outPath == "-")
            {
                LookupCsv.Write(rows, Console.Out, names);
                Console.Out.Flush();
            }
            else
            {
                string tmp = outPath + ".tmp";
                using (var w = new StreamWriter(tmp))
                    LookupCsv.Write(rows, w, names);
                File.Move(tmp, outPath, overwrite: true);
                StderrLog.Result($"exported {rows.Count} row(s) to {outPath}");
            }
            host.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }

    /// <summary>Like <see cref="CliGuard.Run"/>, and a cluster that cannot be reached is one line too.</summary>
    private static int Run(Func<int> action) => CliGuard.Run(() =>
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or StackExchange.Redis.RedisException
            || ClusterRetry.IsTransient(e))
        {
            throw new RunException($"cluster: {e.GetType().Name}: {FirstLine(e.Message)}");
        }
    });

    private static string FirstLine(string text) => text.Split('\n', 2)[0];
}
