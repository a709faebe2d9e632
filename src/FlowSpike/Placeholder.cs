namespace FlowSpike;

internal static class Placeholder;
