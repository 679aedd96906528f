namespace OmsSync.Engine.Changes;

/// <summary>
/// The changes of one large source transaction, part of them in a spill file: enumerated in order, read back from
/// disk as they go, and facts about them known without reading them back. Dispose releases memory and file.
/// </summary>
public interface IChangeList : IReadOnlyList<SourceChange>, IDisposable
{
    /// <summary>True when a DDL statement or a change of a table's columns is among the changes.</summary>
    bool ContainsDdl { get; }

    /// <summary>How many of the changes wait in the spill file rather than in memory.</summary>
    int SpilledCount { get; }

    /// <summary>True when rows of the table are among the changes.</summary>
    bool HasRowsOf(string database, string table);
}
