# Where the builds put what the scripts run (Directory.Build.props: UseArtifactsOutput). Sourced, not run.
# shellcheck shell=bash
artifacts_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/artifacts"
# The Release build of a project's main assembly: artifact_dll FlowSpike.Cli
artifact_dll() { echo "$artifacts_root/bin/$1/release/$1.dll"; }
FS_CLI_DLL="$(artifact_dll FlowSpike.Cli)"
FS_BENCH_DLL="$(artifact_dll FlowSpike.Bench)"
FS_PEER_DLL="$(artifact_dll FlowSpike.Peer)"
export FS_CLI_DLL FS_BENCH_DLL FS_PEER_DLL
# The Native AOT build of the local commands (src/FlowSpike.Cli.Native) for this machine, as ./flowspike runs it;
# empty where there is no linux RID for this CPU.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) FS_NATIVE_RID=linux-x64 ;;
  Linux-aarch64) FS_NATIVE_RID=linux-arm64 ;;
  *) FS_NATIVE_RID= ;;
esac
FS_NATIVE_BIN=
if [ -n "$FS_NATIVE_RID" ]; then
  FS_NATIVE_BIN="$artifacts_root/publish/FlowSpike.Cli.Native/release_$FS_NATIVE_RID/FlowSpike.Cli"
fi
export FS_NATIVE_RID FS_NATIVE_BIN
# Publishes that build (what ./flowspike, aot-check.sh and bench-e2e.sh run); extra dotnet arguments may follow.
native_publish() {
  dotnet publish "$artifacts_root/../src/FlowSpike.Cli.Native/FlowSpike.Cli.Native.csproj" -c Release \
    -r "$FS_NATIVE_RID" -p:IlcInstructionSet=native -nologo -v quiet "$@"
}
