using OmsSync.Engine.Changes;
using OmsSync.Engine.Runtime;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// DDL synchronization for a pairing that has it: the source's DDL followed in the stream (the shape of each table at
/// each position, tables joining and leaving the task) and applied to the target in source order with the rows around it.
/// </summary>
internal interface IDdlSync
{
    /// <summary>The tables a stream starts with (as <see cref="TablesAt"/> gave them): the shapes DDL is followed from.</summary>
    void Follow(IReadOnlyDictionary<(string, string), TaskTable> tables);

    /// <summary>Whether the stream must read the rows of a table: a task table, or one that may join the task.</summary>
    bool Includes(string database, string table);

    /// <summary>Records a DDL's effect on the tables' shapes before the rows after it are read.</summary>
    ValueTask OnDdlAsync(string database, string statement, SourcePosition end, CancellationToken cancellationToken);

    /// <summary>The task's tables at a position, as DDL left them; <paramref name="known"/> supplies what the history does not hold.</summary>
    Dictionary<(string, string), TaskTable> TablesAt(SourcePosition position, IReadOnlyDictionary<(string, string), TaskTable> known);

    /// <summary>Reads what an earlier run left: tables still inside the window of the copy they joined with.</summary>
    Task LoadAsync(ITargetSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The tables that joined with a copy of their rows through DDL, each with the position its copy may hold changes up
    /// to (as <see cref="LoadAsync"/> read them); the pipeline keeps them with its other tables' windows.
    /// </summary>
    IReadOnlyDictionary<string, SourcePosition> CatchUp => new Dictionary<string, SourcePosition>();

    /// <summary>Applies the DDL of a transaction (a batch of its own); null when it has nothing to do with the task.</summary>
    Task<DdlResult?> ApplyAsync(ITargetSession session, SourceTransaction transaction, IReadOnlyDictionary<(string, string), TaskTable> tables,
        CancellationToken cancellationToken);

    /// <summary>In the transaction that writes the checkpoint past the DDL: what the DDL leaves for later is recorded.</summary>
    Task CompleteAsync(ITargetWrite write, DdlResult result, CancellationToken cancellationToken);
}
