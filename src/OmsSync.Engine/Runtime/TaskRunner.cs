using OmsSync.Engine.Model;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Runtime;

/// <summary>Runs a task's phases in order for one direction: schema, full migration, deferred indexes.</summary>
public sealed partial class TaskRunner
{
    private readonly StateStore _store;
    private readonly MigrationTask _task;
    private readonly Direction _direction;
    private readonly Action<string> _log;

    public TaskRunner(StateStore store, MigrationTask task, Direction direction, Action<string> log)
    {
        _store = store;
        _task = task;
        _direction = direction;
        _log = log;
    }

    public Task RunAsync(CancellationToken cancellationToken) => RunPhasesAsync(cancellationToken);
}
