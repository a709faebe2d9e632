using FlowSpike.Cluster.Wire;

namespace FlowSpike.Cluster.Grains;

/// <summary>
/// A queue's persisted part: the job and its tasks. What is done is not persisted: after the queue moves to another
/// silo every task is offered again, and a task that already ran answers from its stored result at once.
/// </summary>
[GenerateSerializer]
internal sealed class ScanQueueState
{
    [Id(0)] public ScanMessage? Job { get; set; }
    [Id(1)] public ScanTask[] Tasks { get; set; } = [];
}
