using OmsSync.Engine.Model;

namespace OmsSync.Engine.Verification;

/// <summary>What the verifiers of one run share: the task, both servers, the lag gate and the run's figures.</summary>
internal sealed record VerificationContext(
    MigrationTask Task,
    VerificationPair Pair,
    LagGate Gate,
    VerificationProgress Progress,
    Action<string> Log)
{
    /// <summary>Chunks compared at once; each takes one connection on either side.</summary>
    public int Concurrency => Math.Max(1, Task.ReadConcurrency);
}
