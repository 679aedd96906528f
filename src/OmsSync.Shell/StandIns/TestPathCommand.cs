using System.Management.Automation;

namespace OmsSync.Shell.StandIns;

/// <summary>Stand-in for Test-Path on file system paths (no wildcards).</summary>
[Cmdlet(VerbsDiagnostic.Test, "Path")]
[OutputType(typeof(bool))]
public sealed class TestPathCommand : PSCmdlet
{
    public enum PathKind
    {
        Any,
        Container,
        Leaf,
    }

    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    [Alias("LiteralPath", "PSPath")]
    public string?[] Path { get; set; } = [];

    [Parameter]
    [Alias("Type")]
    public PathKind PathType { get; set; } = PathKind.Any;

    protected override void ProcessRecord()
    {
        foreach (string? path in Path)
        {
            WriteObject(!string.IsNullOrWhiteSpace(path) && Exists(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)));
        }
    }

    private bool Exists(string fullPath) => PathType switch
    {
        PathKind.Leaf => File.Exists(fullPath),
        PathKind.Container => Directory.Exists(fullPath),
        _ => File.Exists(fullPath) || Directory.Exists(fullPath),
    };
}
