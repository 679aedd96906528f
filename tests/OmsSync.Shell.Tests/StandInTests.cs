using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class StandInTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Out(string command)
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", command);
        Assert.True(run.ExitCode == 0 && run.StdErr.Length == 0, run.ToString());
        return run.StdOut;
    }

    [Fact]
    public void WriteOutputEnumeratesUnlessToldNotTo()
    {
        Assert.Equal("3\n1\n", Out("(Write-Output 1 2 3).Count; (Write-Output -NoEnumerate @(1,2,3) | ForEach-Object { 'one item' }).Count"));
    }

    [Fact]
    public void SelectObjectTakesFirstLastSkipAndProperties()
    {
        Assert.Equal("1 2 | 3 4 | 2", Out("(1..5 | Select-Object -First 2) -join ' '; '|'; (1..5 | Select-Object -Last 2 -Skip 1) -join ' '; '|'; ([pscustomobject]@{A=1;B=2} | Select-Object B, @{n='C';e={$_.A * 3}}).B").Replace("\n", " ").Trim());
    }

    [Fact]
    public void SelectObjectExpandsAProperty()
    {
        Assert.Equal("x\ny\n", Out("@([pscustomobject]@{N='x'},[pscustomobject]@{N='y'}) | Select-Object -ExpandProperty N"));
    }

    [Fact]
    public void SortObjectOrdersByPropertiesAndDirection()
    {
        Assert.Equal("b a c\n", Out("(@([pscustomobject]@{N='a';V=2},[pscustomobject]@{N='b';V=3},[pscustomobject]@{N='c';V=1}) | Sort-Object V -Descending | ForEach-Object N) -join ' '"));
        Assert.Equal("1 2 3\n", Out("(3,1,2,3,1 | Sort-Object -Unique) -join ' '"));
    }

    [Fact]
    public void JsonRoundTrips()
    {
        Assert.Equal("{\"A\":1,\"B\":[\"x\",\"y\"],\"C\":{\"D\":true}}\n", Out("[pscustomobject]@{A=1;B=@('x','y');C=[ordered]@{D=$true}} | ConvertTo-Json -Compress"));
        Assert.Equal("2.5 z\n", Out("$o = '{\"a\":[1,2.5],\"b\":{\"c\":\"z\"}}' | ConvertFrom-Json; \"$($o.a[1]) $($o.b.c)\""));
    }

    [Fact]
    public void ContentAndPathCommandsWorkOnFiles()
    {
        string file = _folder.Write("lines.txt", "one\ntwo\n");

        Assert.Equal("True\nFalse\nTrue\none\ntwo\n2\n",
            Out($"Test-Path '{file}'; Test-Path '{file}' -PathType Container; Test-Path '{_folder.Path}' -PathType Container; Get-Content '{file}'; (Get-Content '{file}' -Raw).Split(\"`n\", [StringSplitOptions]::RemoveEmptyEntries).Count"));
    }

    [Fact]
    public void StartSleepWaits()
    {
        Assert.Equal("True\n", Out("$w = [Diagnostics.Stopwatch]::StartNew(); Start-Sleep -Milliseconds 200; $w.ElapsedMilliseconds -ge 190"));
    }
}
