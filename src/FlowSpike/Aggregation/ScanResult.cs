namespace FlowSpike.Aggregation;

public sealed record ScanResult(WindowPartial Partial, ScanDiagnostics Diagnostics);
