using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Deletes tasks with their runtime state and conflict log, and what each left in the `oms` control tables of its
/// servers (a server that cannot be reached is named in a warning, with what stays there). Refuses while a worker
/// runs a task unless -Force, which stops the workers first. The migrated databases are not touched.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OmsTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOmsTaskCommand : PSCmdlet, IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(60);

    private readonly CmdletSession _session = new();
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Stops running workers of the task first instead of refusing.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var service = _session.Service;
        foreach (var name in Name)
        {
            if (!_done.Add(name)) continue; // one object per direction may arrive for the same task
            try
            {
                var task = service.Tasks.Get(name);
                var running = Enum.GetValues<Direction>().Where(d => service.IsWorkerAlive(task.Name, d)).ToList();
                if (running.Count > 0 && !Force)
                {
                    WriteError(OmsErrors.InvalidState("TaskRunning", task.Name,
                        $"Task '{task.Name}' is running ({string.Join(", ", running)}). Stop it first with Stop-OmsTask, or add -Force to stop and remove it."));
                    continue;
                }
                var what = running.Count > 0 ? $"Stop the running worker(s) ({string.Join(", ", running)}) and remove task" : "Remove task";
                what += $", deleting its rows in `oms` on '{task.Source}' and '{task.Target}'";
                if (service.DataSources.Get(task.Source).Kind == DataSourceKind.PostgreSql)
                    what += $", dropping its replication slot and publication on '{task.Source}'";
                if (!ShouldProcess($"{task.Name} ({task.Source} -> {task.Target})", what))
                    continue;
                if (running.All(direction => StopWorker(task.Name, direction)) && ReleaseSource(task.Name))
                {
                    // Rows left behind cannot mislead a later task of the same name (they carry this incarnation's key): say what stays, and remove.
                    foreach (var left in _session.Wait(token => service.ForgetOnServersAsync(task.Name, token)))
                        WriteWarning($"Task '{task.Name}' left {left.What}: {left.Reason} Delete them when the server is back, or leave them: no other task reads them.");
                    service.Tasks.Remove(task.Name);
                }
            }
            catch (OmsException e)
            {
                WriteError(OmsErrors.From(e, name));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // A replication slot left behind would hold the source's WAL forever: keep the task unless it can be dropped, or -Force.
    private bool ReleaseSource(string task)
    {
        try
        {
            _session.Wait(async token =>
            {
                await _session.Service.ReleaseSourceAsync(task, token).ConfigureAwait(false);
                return true;
            });
            return true;
        }
        catch (OmsException e)
        {
            var message = $"The replication slot and publication of task '{task}' could not be dropped on its PostgreSQL source: {e.Message}";
            if (Force)
            {
                WriteWarning(message + " The task is removed anyway (-Force): drop the slot yourself with pg_drop_replication_slot, or it keeps holding WAL.");
                return true;
            }
            WriteError(OmsErrors.InvalidState("ReplicationSlotNotDropped", task, message + " The task was not removed. Make the source reachable and try again, or add -Force."));
            return false;
        }
    }

    private bool StopWorker(string task, Direction direction)
    {
        var service = _session.Service;
        WriteVerbose($"Stopping the {direction} worker of task '{task}'.");
        var state = _session.Wait(token => service.RequestAsync(task, direction, WorkerRequest.Stop, StopWait, token));
        if (!service.IsWorkerAlive(task, direction))
            return true;
        WriteError(OmsErrors.InvalidState("TaskStopTimedOut", task,
            $"The {direction} worker of task '{task}' (pid {state.WorkerPid}) did not stop within {StopWait.TotalSeconds:0} s; the task was not removed. Try again, or end the process."));
        return false;
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
