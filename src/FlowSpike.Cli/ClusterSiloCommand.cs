using System.CommandLine;
using System.Net;
using FlowSpike.Cluster.Hosting;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster silo`: one silo, serving until SIGTERM or Ctrl-C.</summary>
internal static class ClusterSiloCommand
{
    public static Command Build()
    {
        var connection = new ClusterConnectionFlags();
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
        var listen = new Option<string>("--listen")
        {
            Description = "Address for this silo's /metrics and /healthz (queue watch metrics; none to disable).",
            DefaultValueFactory = _ => "none",
            HelpName = "HOST:PORT",
        };
        var otlp = new Option<string?>("--otlp-endpoint")
        {
            Description = "Also push metrics over OTLP/HTTP to this collector (default: OTEL_EXPORTER_OTLP_ENDPOINT).",
            HelpName = "URL",
        };
        var cmd = new Command("silo", "Start a silo and serve until SIGTERM or Ctrl-C.");
        connection.AddTo(cmd);
        foreach (var o in new Option[] { address, siloPort, gatewayPort, slots, listen, otlp })
            cmd.Options.Add(o);
        cmd.SetAction(r => ClusterCommand.Run(() =>
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
            if (MetricsEndpoint.Exposure(r.GetValue(listen)!) is { } exposed)
                Console.Error.WriteLine("flowspike: " + exposed);
            // The silo's instruments are on the same meter as watch's: the endpoint sees them once they exist.
            using var server = MetricsEndpoint.Start(r.GetValue(listen), r.GetValue(otlp), () => "serving");
            FlowSpikeSilo.RunAsync(settings, stop.Token).GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
