using OmsSync.Engine.Errors;
using OmsSync.Engine.Operations;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Alerts;

/// <summary>Setting and reading a task's alert rules and its alerts (Set-OmsAlert, Get-OmsAlert); rules change while the task runs.</summary>
public sealed class AlertService
{
    private readonly OmsService _service;

    public AlertService(OmsService service)
    {
        _service = service;
        Log = new AlertLog(service.Store);
    }

    public AlertLog Log { get; }

    /// <summary>Plans putting <paramref name="rule"/> in place of the task's rule of its kind (one rule per kind), or removing that rule.</summary>
    /// <param name="webhook">The webhook's URL in plain text, stored encrypted; null for none.</param>
    public PlannedOperation<IReadOnlyList<AlertRule>> PlanSet(string taskName, AlertRule rule, string? webhook, bool remove)
    {
        var task = _service.Tasks.Get(taskName);
        if (!remove)
        {
            Check(task.Name, rule);
            if (webhook is not null) rule = AlertWebhook.With(rule, webhook, _service.Home, task.Name);
        }
        else if (task.AlertRules.All(r => r.Kind != rule.Kind))
            throw new OmsException("AlertRuleNotFound", OmsErrorKind.NotFound, task.Name,
                $"Task '{task.Name}' has no {rule.Kind} alert rule to remove. Get-OmsTask shows its rules (AlertRules).");
        var action = remove ? $"Remove the {rule.Kind} alert rule" : $"Alert on {Describe(rule)}";
        return new PlannedOperation<IReadOnlyList<AlertRule>>(task.Name, action, (_, _) =>
        {
            // Read again under the row's lock: another rule may have been set since the plan was made.
            var current = _service.Tasks.Modify(task.Name, stored => stored with
            {
                AlertRules = stored.AlertRules.Where(r => r.Kind != rule.Kind).Concat(remove ? [] : [rule]).OrderBy(r => r.Kind).ToList(),
            });
            // The supervisor evaluates the rules; a task that has run may have none watching it now (it left when idle).
            if (!remove && _service.Runtime.List(current.Name).Any(r => r.Status != Model.TaskStatus.Created)) _service.EnsureSupervisor();
            return Task.FromResult<IReadOnlyList<AlertRule>>(current.AlertRules);
        });
    }

    private static void Check(string task, AlertRule rule)
    {
        OmsException Invalid(string id, string message) => new(id, OmsErrorKind.InvalidArgument, task, message);
        switch (rule.Kind)
        {
            case AlertKind.Lag when rule.Threshold <= 0:
                throw Invalid("InvalidAlertThreshold", $"-Kind Lag alerts when the lag is above -Threshold seconds; -Threshold is {rule.Threshold}. Give a number of seconds above 0, e.g. -Threshold 30 -ForSeconds 60.");
            case AlertKind.Conflicts when rule.Threshold < 0:
                throw Invalid("InvalidAlertThreshold", $"-Kind Conflicts alerts above -Threshold conflicts a minute; -Threshold is {rule.Threshold}. Give 0 (any conflict) or more.");
            case not (AlertKind.Lag or AlertKind.Conflicts) when rule.Threshold != 0:
                throw Invalid("InvalidAlertThreshold", $"-Kind {rule.Kind} has no threshold; leave -Threshold out (it applies to Lag and Conflicts).");
        }
        if (rule.ForSeconds < 0 || rule.ForSeconds > 86_400)
            throw Invalid("InvalidAlertForSeconds", $"-ForSeconds is {rule.ForSeconds}; give 0 (at once) to 86400 seconds.");
        if (rule.Command is { } command && string.IsNullOrWhiteSpace(command))
            throw Invalid("InvalidAlertCommand", "-Command is empty. Give the command line to run for each alert, or leave -Command out.");
    }

    private static string Describe(AlertRule rule) => rule.Kind switch
    {
        AlertKind.Lag => $"lag above {rule.Threshold} s for {rule.ForSeconds} s",
        AlertKind.Conflicts => $"more than {rule.Threshold} conflicts a minute",
        var kind => kind.ToString(),
    };
}
