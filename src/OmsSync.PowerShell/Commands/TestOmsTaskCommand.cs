using System.Management.Automation;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>Runs a task's pre-checks: both data sources for their roles, then the task's objects and options.</summary>
[Cmdlet(VerbsDiagnostic.Test, "OmsTask")]
[OutputType(typeof(OmsCheck))]
public sealed class TestOmsTaskCommand : OmsCmdlet
{
    private readonly HashSet<string> _done = new(StringComparer.OrdinalIgnoreCase);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TaskNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name.Where(_done.Add))
            Try(name, () =>
            {
                foreach (var check in Await(token => Service.TestTaskAsync(name, token)))
                    WriteObject(new OmsCheck(check, name));
            });
    }
}
