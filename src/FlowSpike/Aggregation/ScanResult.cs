namespace FlowSpike.Aggregation;

internal sealed record ScanResult(WindowPartial Partial, ScanDiagnostics Diagnostics);
