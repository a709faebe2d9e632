using System.CommandLine;
using FlowSpike.Models;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>`flowspike lookup export|import`: the Splunk lookup CSV baseline_blocked_outbound_connections.</summary>
internal static class LookupCommand
{
    public static Command Build()
    {
        var lookup = new Command("lookup",
            "Export or import the Splunk lookup CSV baseline_blocked_outbound_connections.");

        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o")
        {
            Description = "CSV output; - is stdout.",
            DefaultValueFactory = _ => "-",
            HelpName = "FILE"
        };
        var export = new Command("export", "Write the lookup as Splunk CSV.") { state, output };
        export.SetAction(r => CliGuard.Run(() =>
        {
            using var store = SqliteStateStore.OpenReadOnly(r.GetValue(state)!);
            var rows = store.LoadLookup();
            string outPath = r.GetValue(output)!;
            if (outPath == "-")
            {
                LookupCsv.Write(rows, Console.Out, store.Entities);
                Console.Out.Flush();
            }
            else
            {
                OutputFile.Write(outPath, w => LookupCsv.Write(rows, w, store.Entities));
                StderrLog.Result($"exported {rows.Count} row(s) to {outPath}");
            }
            return 0;
        }));

        var importState = CliOptions.State();
        var csv = new Argument<string>("CSV") { Description = "The lookup CSV file (either Splunk header order)." };
        var import = new Command("import",
            "Replace the lookup with a Splunk CSV; nothing is imported if any row is bad.") { importState, csv };
        import.SetAction(r => CliGuard.Run(() =>
        {
            string path = r.GetValue(csv)!;
            List<BaselineRow> rows;
            using var store = SqliteStateStore.Open(r.GetValue(importState)!, removeIfUnchanged: true);
            try
            {
                using var reader = new StreamReader(path);
                rows = LookupCsv.Read(reader, path, store.Entities);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RunException($"{path}: cannot read: {e.Message}");
            }
            catch (FormatException e)
            {
                throw new RunException(e.Message + "; nothing was imported");
            }
            store.ImportLookup(rows);
            StderrLog.Result($"imported {rows.Count} row(s) from {path}");
            return 0;
        }));

        lookup.Subcommands.Add(export);
        lookup.Subcommands.Add(import);
        return lookup;
    }
}
