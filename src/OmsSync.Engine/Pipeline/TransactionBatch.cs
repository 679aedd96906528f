using OmsSync.Engine.Changes;

namespace OmsSync.Engine.Pipeline;

/// <summary>Source transactions applied in one target transaction; disposing it releases their memory and spill files.</summary>
internal sealed class TransactionBatch : List<SourceTransaction>, IDisposable
{
    public void Dispose()
    {
        foreach (var transaction in this) transaction.Dispose();
    }
}
