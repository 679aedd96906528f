using System.Management.Automation;
using OmsSync.Engine.Errors;
using OmsSync.Engine.PreCheck;
using OmsSync.Engine.Runtime;
using OmsSync.PowerShell.Completion;
using OmsSync.PowerShell.Internal;
using OmsSync.PowerShell.Output;

namespace OmsSync.PowerShell.Commands;

/// <summary>
/// Connects to data sources and checks them for the roles they are to play: reachability, credentials,
/// version, privileges and, for incremental sources, the binlog settings.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OmsDataSource")]
[OutputType(typeof(OmsCheck))]
public sealed class TestOmsDataSourceCommand : PSCmdlet, IDisposable
{
    private readonly CmdletSession _session = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DataSourceNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>The roles to check for; without it only connectivity and version are checked.</summary>
    [Parameter]
    [ValidateSet(nameof(DataSourceRole.Source), nameof(DataSourceRole.Target), nameof(DataSourceRole.IncrementalSource))]
    public string[]? Role { get; set; }

    protected override void ProcessRecord()
    {
        var role = (Role ?? []).Aggregate(DataSourceRole.Any, (all, r) => all | Enum.Parse<DataSourceRole>(r, ignoreCase: true));
        foreach (var name in Name)
        {
            try
            {
                // Connect once first: a refused connection is an error with a stable id (AuthenticationFailed,
                // ConnectionFailed) besides the failed Connectivity check, so scripts can branch on it.
                try
                {
                    _session.Wait(async token =>
                    {
                        await _session.Service.ConnectAsync(name, token).ConfigureAwait(false);
                        return true;
                    });
                }
                catch (OmsException refused)
                {
                    WriteObject(new OmsCheck(CheckResult.Fail("Connectivity", refused.Message, name), name));
                    WriteError(OmsErrors.From(refused, name));
                    continue;
                }
                foreach (var check in _session.Wait(token => _session.Service.TestDataSourceAsync(name, role, token)))
                    WriteObject(new OmsCheck(check, name));
            }
            catch (OmsException e)
            {
                WriteError(OmsErrors.From(e, name));
            }
        }
    }

    protected override void StopProcessing() => _session.Cancel();

    public void Dispose() => _session.Dispose();
}
