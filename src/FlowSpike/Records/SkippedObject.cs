namespace FlowSpike.Records;

/// <summary>An object skipped as not a flow log (with SkipUnsupported, or in watch): what it is and why.</summary>
internal sealed record SkippedObject(string Source, SkipReason Reason, string Message);
