using System.CommandLine;
using FlowSpike.Jobs;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>`flowspike state compact`: prunes and vacuums the state file.</summary>
internal static class StateCommand
{
    public static Command Build()
    {
        var state = new Command("state", "Maintain the state file.");
        var path = CliOptions.State();
        var compact = new Command("compact", "Prune the ledger and the outbox of what watch no longer needs, then " +
            "VACUUM the file; refused while a watch or detect holds the state.") { path };
        compact.SetAction(r => CliGuard.Run(() =>
        {
            StderrLog.Result(StateCompaction.Run(r.GetValue(path)!, JobDefaults.LatenessSeconds));
            return 0;
        }));
        state.Subcommands.Add(compact);
        return state;
    }
}
