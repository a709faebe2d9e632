# Where the builds put what the scripts run (Directory.Build.props: UseArtifactsOutput). Sourced, not run.
# shellcheck shell=bash
artifacts_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts"
# The Release build of a project's main assembly: artifact_dll FlowSpike.Cli
artifact_dll() { echo "$artifacts_root/bin/$1/release/$1.dll"; }
FS_CLI_DLL="$(artifact_dll FlowSpike.Cli)"
FS_BENCH_DLL="$(artifact_dll FlowSpike.Bench)"
FS_PEER_DLL="$(artifact_dll FlowSpike.Peer)"
export FS_CLI_DLL FS_BENCH_DLL FS_PEER_DLL
