#if FLOWSPIKE_LOCAL
using System.CommandLine;

namespace FlowSpike.Cli;

/// <summary>
/// `flowspike cluster` in the Native AOT build (src/FlowSpike.Cli.Native), which carries the local commands only:
/// listed in help as in the full build, it names where the cluster commands are. ./flowspike sends `cluster` to the
/// JIT build, so only a direct run of the AOT binary reaches this.
/// </summary>
internal static class LocalClusterCommand
{
    public static Command Build()
    {
        var cluster = new Command("cluster", CommandTree.ClusterDescription) { TreatUnmatchedTokensAsErrors = false };
        cluster.SetAction(_ =>
        {
            StderrLog.Error("the cluster commands are not in this build (Native AOT, the local commands only): run " +
                "them as `./flowspike cluster ...` from the repository, or with the release binary");
            return 1;
        });
        return cluster;
    }
}
#endif
