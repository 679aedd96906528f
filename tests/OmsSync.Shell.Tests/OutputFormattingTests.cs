using Xunit;

namespace OmsSync.Shell.Tests;

public sealed class OutputFormattingTests
{
    [Fact]
    public void CustomObjectIsShownAsATable()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "[pscustomobject]@{A=1;B='x'}");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("A B\n- -\n1 x\n", run.StdOut);
    }

    [Fact]
    public void ObjectWithManyPropertiesIsShownAsAList()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "[pscustomobject]@{One=1;Two=2;Three=3;Four=4;Five=5}");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("One   : 1", run.StdOut);
        Assert.Contains("Five  : 5", run.StdOut);
    }

    [Fact]
    public void ScalarsArePrintedOnePerLine()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "1..3; 'text'");

        Assert.Equal("1\n2\n3\ntext\n", run.StdOut);
    }

    [Fact]
    public void EscapeSequencesAreRemovedWhenOutputIsRedirected()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "\"`e[31mred`e[0m\"; $PSStyle.OutputRendering");

        Assert.Equal("red\nPlainText\n", run.StdOut);
        Assert.DoesNotContain('\u001b', run.StdOut);
    }

    [Fact]
    public void FormatTableStandInShowsChosenColumns()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "[pscustomobject]@{A=1;B='x';C=3} | Format-Table C, A");

        Assert.Contains("C A\n- -\n3 1\n", run.StdOut);
    }

    [Fact]
    public void OutStringStandInReturnsTheFormattedText()
    {
        var run = OmsSyncProcess.Run("-NoModule", "-Command", "$s = [pscustomobject]@{A=1} | Out-String; $s.GetType().Name; $s.Contains('A')");

        Assert.Equal("String\nTrue\n", run.StdOut);
    }
}
