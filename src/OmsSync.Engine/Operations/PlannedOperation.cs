namespace OmsSync.Engine.Operations;

/// <summary>
/// A change the engine has checked and is ready to make. Its caller confirms it first (a cmdlet's
/// ShouldProcess, with <see cref="Target"/> and <see cref="Action"/>), then runs it once.
/// </summary>
public sealed class PlannedOperation<T>
{
    private readonly Func<OperationNotes, CancellationToken, Task<T>> _run;

    public PlannedOperation(string target, string action, Func<OperationNotes, CancellationToken, Task<T>> run)
    {
        Target = target;
        Action = action;
        _run = run;
    }

    /// <summary>What is changed, as a person reads it, e.g. "shop-to-dr (shop-primary -> shop-dr)".</summary>
    public string Target { get; }

    /// <summary>What is done to it, e.g. "Remove task".</summary>
    public string Action { get; }

    public Task<T> RunAsync(OperationNotes notes, CancellationToken cancellationToken) => _run(notes, cancellationToken);
}
