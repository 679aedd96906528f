using System.Collections;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>The module's surface: exports, exact parameter lists, help, completion.</summary>
[Collection(PowerShellCollection.Name)]
public sealed class ModuleSmokeTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    private static readonly Dictionary<string, string[]> Parameters = new()
    {
        ["New-OmsDataSource"] = ["Name", "Type", "Server", "Port", "Credential", "Database"],
        ["Get-OmsDataSource"] = ["Name"],
        ["Set-OmsDataSource"] = ["Name", "Type", "Server", "Port", "Credential", "Database", "PassThru"],
        ["Remove-OmsDataSource"] = ["Name"],
        ["Test-OmsDataSource"] = ["Name", "Role"],
        ["New-OmsTask"] = ["Name", "Source", "Target", "Include", "Exclude", "Rename", "RowFilter", "Column", "MigrationType", "Topology",
            "NonEmptyTarget", "IndexMigration", "RowsPerSecond", "BytesPerSecond", "ReadConcurrency", "WriteConcurrency", "AutoRestart", "Label", "StartTimestamp", "ConflictPolicy", "TimestampColumn",
            "IncrementalDdl", "OnlineDdlTool"],
        ["Get-OmsTask"] = ["Name", "Label"],
        ["Set-OmsTask"] = ["Name", "Include", "Exclude", "Rename", "RowFilter", "Column", "StartTimestamp", "MigrationType", "NonEmptyTarget",
            "IndexMigration", "RowsPerSecond", "BytesPerSecond", "ReadConcurrency", "WriteConcurrency", "AutoRestart", "Label", "IncrementalDdl", "OnlineDdlTool", "PassThru"],
        ["Remove-OmsTask"] = ["Name", "Force"],
        ["Test-OmsTask"] = ["Name"],
        ["Start-OmsForward"] = ["Name", "AsJob", "Wait", "SkipPreCheck"],
        ["Suspend-OmsTask"] = ["Name", "Direction", "PassThru"],
        ["Resume-OmsTask"] = ["Name", "Direction", "PassThru"],
        ["Stop-OmsTask"] = ["Name", "Direction", "PassThru"],
        ["Enable-OmsReverse"] = ["Name", "ConflictPolicy", "TimestampColumn", "PassThru"],
        ["Get-OmsConflict"] = ["Name", "Table", "Type", "Direction", "Since", "Unresolved"],
        ["Set-OmsConflictPolicy"] = ["Name", "Policy", "Table", "Direction", "TimestampColumn", "DetectStale", "PassThru"],
        ["Resolve-OmsConflict"] = ["InputObject", "Id", "Action", "PassThru"],
        ["Export-OmsConflict"] = ["Path", "Name", "InputObject", "Format", "NoClobber"],
        ["Start-OmsVerification"] = ["Name", "Include", "Mode", "Since", "AsJob", "Wait"],
        ["Get-OmsVerificationResult"] = ["Name", "Table", "Detail"],
        ["Repair-OmsDifference"] = ["InputObject", "Name", "Table", "Direction", "Script", "PassThru"],
        ["Stop-OmsVerification"] = ["Name", "PassThru"],
        ["Get-OmsDdl"] = ["Name", "Direction", "Outcome"],
        ["Skip-OmsDdl"] = ["Name", "PassThru"],
    };

    private static readonly string[] ChangesState =
        ["New-OmsDataSource", "Set-OmsDataSource", "Remove-OmsDataSource", "New-OmsTask", "Set-OmsTask", "Remove-OmsTask",
         "Start-OmsForward", "Suspend-OmsTask", "Resume-OmsTask", "Stop-OmsTask", "Enable-OmsReverse", "Set-OmsConflictPolicy",
         "Resolve-OmsConflict", "Export-OmsConflict", "Start-OmsVerification", "Repair-OmsDifference", "Stop-OmsVerification",
         "Skip-OmsDdl"];

    [Fact]
    public void ExportsExactlyTheCmdlets()
    {
        var names = ps.Run("(Get-Module OmsSync).ExportedCmdlets.Keys").Select(o => o.ToString()).Order().ToList();
        Assert.Equal(Parameters.Keys.Order(), names);
    }

    [Fact]
    public void EachCmdletHasExactlyItsParameters()
    {
        foreach (var (cmdlet, expected) in Parameters)
        {
            var actual = ps.Run("""
                param($Name)
                $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
                (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
                """, new Hashtable { ["Name"] = cmdlet }).Select(o => o.ToString()).Order().ToList();
            var want = expected.Order().ToList();
            Assert.True(want.SequenceEqual(actual), $"{cmdlet}: expected {string.Join(",", want)} but found {string.Join(",", actual)}");
            var shouldProcess = ps.Run("param($N) (Get-Command $N).Parameters.ContainsKey('WhatIf')", new Hashtable { ["N"] = cmdlet })[0].BaseObject;
            Assert.True(ChangesState.Contains(cmdlet) == (bool)shouldProcess, $"{cmdlet}: SupportsShouldProcess is {shouldProcess}");
        }
    }

    [Fact]
    public void DestructiveCmdletsAskForConfirmation()
    {
        foreach (var cmdlet in new[] { "Remove-OmsDataSource", "Remove-OmsTask", "Repair-OmsDifference" })
            Assert.Equal("High", ps.Run("param($N) (Get-Command $N).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact",
                new Hashtable { ["N"] = cmdlet })[0].ToString());
    }

    [Fact]
    public void EveryCmdletHasHelpWithExamples()
    {
        foreach (var cmdlet in Parameters.Keys)
        {
            var help = ps.Run("""
                param($Name)
                $h = Get-Help $Name -Full
                $h.Synopsis
                @($h.examples.example).Count
                @($h.parameters.parameter | Where-Object { -not $_.description }).Count
                """, new Hashtable { ["Name"] = cmdlet });
            Assert.False(string.IsNullOrWhiteSpace(help[0].ToString()) || help[0].ToString()!.StartsWith(cmdlet), $"{cmdlet} has no synopsis");
            Assert.True((int)help[1].BaseObject >= 2, $"{cmdlet} has {help[1]} examples");
            Assert.True((int)help[2].BaseObject == 0, $"{cmdlet} has {help[2]} parameters without a description");
        }
        var examples = ps.Run("(Get-Help New-OmsTask -Examples).examples.example[0].code")[0].ToString();
        Assert.StartsWith("New-OmsTask", examples);
    }

    [Fact]
    public void NamesCompleteFromTheStateStore()
    {
        var source = PowerShellSession.Unique("cmpl");
        var target = PowerShellSession.Unique("cmpl");
        var task = PowerShellSession.Unique("cmpltask");
        ps.Run("param($S, $G, $T) $c = New-TestCredential u p; $null = New-OmsDataSource $S -Type MySql -Server h -Credential $c; $null = New-OmsDataSource $G -Type MySql -Server h -Credential $c; $null = New-OmsTask $T -Source $S -Target $G -Include 'a.*' -MigrationType Full",
            new Hashtable { ["S"] = source, ["G"] = target, ["T"] = task });

        List<string> Complete(string line) => ps.Run("param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText",
            new Hashtable { ["Line"] = line }).Select(o => o.ToString()!).ToList();

        Assert.Equal([source], Complete($"Get-OmsDataSource -Name {source[..10]}"));
        Assert.Contains(target, Complete($"New-OmsTask x -Target {target[..6]}"));
        Assert.Equal([task], Complete($"Start-OmsForward {task[..12]}"));
        Assert.Equal([task], Complete($"Get-OmsTask '{task[..12]}"));
        ps.Run("param($S, $G, $T) Remove-OmsTask $T -Confirm:$false; Remove-OmsDataSource $S, $G -Confirm:$false",
            new Hashtable { ["S"] = source, ["G"] = target, ["T"] = task });
    }

    [Fact]
    public void ManifestIsValid()
    {
        var manifest = Path.Combine(ps.RepoRoot, "OmsSync.psd1");
        var result = ps.Run("param($P) (Test-ModuleManifest $P).Name", new Hashtable { ["P"] = manifest });
        Assert.Equal("OmsSync", result[0].ToString());
    }
}
