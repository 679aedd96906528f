using System.Text.RegularExpressions;
using OmsSync.Engine.Errors;
using OmsSync.Engine.PreCheck;
using Xunit;

namespace OmsSync.Engine.Tests.PreCheck;

public class CheckNamesTests
{
    [Fact]
    public void Every_check_the_engine_names_is_known()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "OmsSync.sln"))) root = Path.GetDirectoryName(root)!;
        // A check is named where a CheckResult is made, or passed by name to the helpers that make one.
        var named = new Regex(@"CheckResult\.(?:Pass|Warn|Fail)\(""(\w+)""|CheckPrivileges\(""(\w+)""|, name, ""(\w+)"", ""|=> ""(\w+)"",");
        var found = Directory.EnumerateFiles(Path.Combine(root, "src", "OmsSync.Engine"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .Where(text => text.Contains("CheckResult."))
            .SelectMany(text => named.Matches(text))
            .Select(m => m.Groups.Values.Skip(1).First(g => g.Success).Value)
            .ToHashSet();
        Assert.Contains("Binlog", found);
        Assert.Contains("ReversePrivileges", found);
        Assert.Empty(found.Except(CheckNames.Known));
    }

    [Fact]
    public void Names_resolve_to_the_checks_spelling_once_each()
    {
        Assert.Equal(["ColumnTypes", "Binlog"], CheckNames.Resolve(["columntypes", "Binlog", "BINLOG"]));
    }

    [Fact]
    public void An_unknown_name_is_refused_listing_the_known_ones()
    {
        var error = Assert.Throws<OmsException>(() => CheckNames.Resolve(["Binlogs"]));
        Assert.Equal("UnknownCheck", error.ErrorId);
        Assert.Equal("Binlogs", error.Target);
        Assert.Contains("'Binlogs'", error.Message);
        Assert.Contains("Connectivity, Definer", error.Message);
    }

    [Fact]
    public void A_skipped_check_becomes_a_warning_that_keeps_what_it_found()
    {
        var results = new[]
        {
            CheckResult.Fail("TargetEmpty", "Table 'a.t' has rows.", "a.t"),
            CheckResult.Fail("Binlog", "log_bin is OFF.", "src"),
            CheckResult.Pass("Connectivity", "Connected.", "src"),
        };
        var kept = CheckNames.Skip(results, ["TargetEmpty", "WalLevel"]);
        Assert.Equal(CheckStatus.Warn, kept[0].Status);
        Assert.StartsWith("Skipped: TargetEmpty (-SkipCheck). It found: Fail. Table 'a.t' has rows.", kept[0].Message);
        Assert.Equal("a.t", kept[0].Target);
        Assert.Equal(CheckStatus.Fail, kept[1].Status);
        Assert.Equal(CheckStatus.Pass, kept[2].Status);
        Assert.Equal(("WalLevel", CheckStatus.Warn), (kept[3].Check, kept[3].Status));
        Assert.StartsWith("Skipped: WalLevel (-SkipCheck)", kept[3].Message);
    }
}
