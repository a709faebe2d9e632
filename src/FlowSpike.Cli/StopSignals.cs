using System.Runtime.InteropServices;

namespace FlowSpike.Cli;

/// <summary>SIGTERM and Ctrl-C cancel a token instead of killing the process, so a run stops after its
/// commit; SIGHUP reopens the alert files.</summary>
internal sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _hangup;

    public StopSignals(CancellationTokenSource stop)
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, stop));
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop));
        // SIGHUP (logrotate's postrotate) reopens the alert file instead of killing the process.
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            FlowSpike.Delivery.FileAlertSink.ReopenAll();
        });
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }

    public void Dispose()
    {
        _term.Dispose();
        _interrupt.Dispose();
        _hangup.Dispose();
    }
}
