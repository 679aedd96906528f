using System.Management.Automation;
using OmsSync.Engine.DataSources;
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
public sealed class TestOmsDataSourceCommand : OmsCmdlet
{
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
            Try(name, () =>
            {
                var (checks, refused) = Await(token => new DataSourceService(Service).TestAsync(name, role, token));
                foreach (var check in checks)
                    WriteObject(new OmsCheck(check, name));
                // A refused connection also gets a stable id (AuthenticationFailed, ConnectionFailed) that scripts can branch on.
                if (refused is not null)
                    WriteEngineError(refused, name);
            });
    }
}
