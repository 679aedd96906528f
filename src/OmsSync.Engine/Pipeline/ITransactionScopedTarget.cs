using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Pipeline;

/// <summary>
/// A change target whose writes carry each change's source transaction (a message stream puts its position and commit
/// time in every message): the pipeline writes a batch one source transaction at a time, and says which before its changes.
/// </summary>
internal interface ITransactionScopedTarget
{
    /// <summary>The changes written next belong to <paramref name="transaction"/>.</summary>
    void Entering(SourceTransaction transaction);
}
