using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// What each phase of one task direction does with its two servers, as its pairing of kinds (<see cref="Pairing"/>)
/// composes it from their providers: the phase runner runs it without asking which kinds they are.
/// </summary>
internal sealed class DirectionPlan
{
    /// <summary>The task's tables as the reading side has them (what the change source reads).</summary>
    public required IReadOnlyList<TaskTable> Reading { get; init; }

    /// <summary>The task's objects as they are to be on the writing side, under the source names (what schema migration creates and changes are applied to).</summary>
    public required TaskObjects Shaped { get; init; }

    /// <summary>Proves the source side works (row filters evaluate, the change log is on) before anything is created on the target.</summary>
    public required Func<CancellationToken, Task> CheckSource { get; init; }
    public required Func<CancellationToken, Task> MigrateSchema { get; init; }
    public required Func<CancellationToken, Task> VerifyTarget { get; init; }
    public required Func<CancellationToken, Task> CreateDeferredIndexes { get; init; }
    public required Func<CancellationToken, Task> CreateForeignKeys { get; init; }
    public required Func<FullLoadRunner> FullLoad { get; init; }

    /// <summary>The direction's objects beyond tables: what comes with the schema, and what waits for cut-over.</summary>
    public required Objects.ObjectMigration Objects { get; init; }

    /// <summary>The incremental pipeline of the direction, when the task has incremental synchronization.</summary>
    public ChangePipeline? Pipeline { get; init; }

    /// <summary>Whether views are migrated between these kinds.</summary>
    public bool MigratesViews { get; init; } = true;
}
