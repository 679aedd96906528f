namespace OmsSync.Engine.Tasks;

/// <summary>A worker just launched for a task's direction: its process id and the direction's state as it starts.</summary>
public sealed record WorkerStart(int Pid, TaskDirectionState State);
