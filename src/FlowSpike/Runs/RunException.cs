namespace FlowSpike.Runs;

/// <summary>A run refused before touching state, with a one-line reason for the user.</summary>
public sealed class RunException(string message) : Exception(message);
