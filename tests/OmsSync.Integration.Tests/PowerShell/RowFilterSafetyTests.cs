using System.Collections;
using OmsSync.Engine.Model;
using OmsSync.Engine.Runtime;
using OmsSync.Engine.State;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// A row filter is one condition on its table's columns and nothing else: text that would end OmsSync's statement,
/// start another, read other tables or hide text is refused by New-OmsTask, Set-OmsTask, Test-OmsTask and the worker,
/// and never runs on the source. -RowFilter and -Column name tables of the task, and -Include says how to quote names.
/// </summary>
[Collection(PowerShellCollection.Name)]
public sealed class RowFilterSafetyTests(PowerShellSession ps) : IClassFixture<PowerShellSession>
{
    public static TheoryData<string, string> Hostile => new()
    {
        { "1=1); DROP TABLE {0}.victim; SELECT (1", "closing parenthesis" },
        { "id > 0; DROP TABLE {0}.victim", "statement separator" },
        { "id IN (SELECT id FROM {0}.victim)", "subquery" },
        { "id > 0 /*! ; DROP TABLE {0}.victim */", "comment" },
        { "id > 0 -- ; DROP TABLE {0}.victim", "comment" },
        { "id > @x", "variable" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task AFilterThatIsNotOneConditionIsRefusedAndNeverRuns(string text, string reason)
    {
        var db = await CreateSourceAsync("rfbad");
        var filter = string.Format(text, db);
        var t = CmdletTask.Create(ps, $"{db}.orders", "-MigrationType Schema,Full");
        try
        {
            var created = ps.Invoke("param($T, $S, $G, $K, $F) New-OmsTask \"$T-2\" -Source $S -Target $G -Include $K -MigrationType Full -RowFilter @{ $K = $F }",
                new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target, ["K"] = $"{db}.orders", ["F"] = filter });
            Assert.Equal(["InvalidRowFilterValue"], created.ErrorIds);
            Assert.Contains($"'{db}.orders'", created.Errors[0].Exception.Message);
            Assert.Contains(reason, created.Errors[0].Exception.Message);
            Assert.Equal(["TaskNotFound"], ps.Invoke("param($T) Get-OmsTask \"$T-2\"", new Hashtable { ["T"] = t.Task }).ErrorIds);

            var set = ps.Invoke("param($T, $K, $F) Set-OmsTask $T -RowFilter @{ $K = $F } -Confirm:$false",
                new Hashtable { ["T"] = t.Task, ["K"] = $"{db}.orders", ["F"] = filter });
            Assert.Equal(["InvalidRowFilterValue"], set.ErrorIds);

            // A filter stored by other means (an older OmsSync, an edited state store) is refused by the pre-check and by the worker.
            var service = OmsService.Open(new OmsHome(ps.Home));
            service.Tasks.Update(service.Tasks.Get(t.Task) with { RowFilters = new Dictionary<string, string> { [$"{db}.orders"] = filter } });
            var checks = t.Run("Test-OmsTask $T");
            var check = Assert.Single(checks, c => c.Text("Check") == "RowFilter");
            Assert.Equal("Fail", check.Text("Status"));
            Assert.Contains(reason, check.Text("Message"));
            t.Invoke("Start-OmsForward $T -Wait -SkipPreCheck -Confirm:$false");
            var state = t.State();
            Assert.Equal("Failed", state.Text("Status"));
            Assert.Contains(reason, state.Text("Message"));
            Assert.Equal(3L, await TableSnapshot.CountAsync(TestServers.MariaDbA, db, "victim"));
        }
        finally
        {
            await t.RemoveAsync(db);
        }
    }

    [Fact]
    public async Task AGoodFilterStillFiltersTheCopy()
    {
        var db = await CreateSourceAsync("rfgood");
        var t = CmdletTask.Create(ps, $"{db}.orders", $"-MigrationType Schema,Full -Rename @{{ '{db}' = '{db}_t' }} -RowFilter @{{ '{db}.orders' = \"COALESCE(note, '') <> 'x;y' AND id > 2\" }}");
        try
        {
            Assert.DoesNotContain(t.Run("Test-OmsTask $T"), c => c.Text("Status") == "Fail");
            t.Run("$null = Start-OmsForward $T -Wait -Confirm:$false");
            Assert.Equal(["3", "5"], (await TableSnapshot.ReadAsync(TestServers.MariaDbB, db + "_t", "orders", "id")).Select(r => System.Text.Encoding.ASCII.GetString(Convert.FromHexString(r.Split('|')[0]))));
        }
        finally
        {
            await t.RemoveAsync(db, db + "_t");
        }
    }

    [Fact]
    public async Task PostgresFiltersAreRefusedByTheSameRules()
    {
        var schema = TestServers.UniqueName("rfpg");
        await TestPostgres.ExecuteAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.orders (id int PRIMARY KEY); CREATE TABLE {schema}.victim (id int PRIMARY KEY); INSERT INTO {schema}.victim VALUES (1);");
        var source = PowerShellSession.Unique("pg");
        var target = PowerShellSession.Unique("my");
        var task = PowerShellSession.Unique("t");
        try
        {
            ps.Run("""
                param($S, $G, $PH, $PP, $MH, $MP, $Pw)
                $c = New-TestCredential oms $Pw
                $null = New-OmsDataSource $S -Type PostgreSql -Server $PH -Port $PP -Database postgres -Credential $c
                $null = New-OmsDataSource $G -Type MariaDb -Server $MH -Port $MP -Credential $c
                """, new Hashtable
            {
                ["S"] = source, ["G"] = target, ["PH"] = TestPostgres.Server.Host, ["PP"] = TestPostgres.Server.Port,
                ["MH"] = TestServers.MariaDbB.Host, ["MP"] = TestServers.MariaDbB.Port, ["Pw"] = TestServers.Password,
            });
            foreach (var (filter, reason) in new[]
                     {
                         ($"id > 0; DROP TABLE {schema}.victim", "statement separator"),
                         ($"query_to_xml('DROP TABLE {schema}.victim', true, true, '') IS NOT NULL", "changes state"),
                         ("id > 0 --x", "comment"),
                         ("id::text = $$1$$", "dollar-quoted"),
                     })
            {
                var created = ps.Invoke("param($T, $S, $G, $K, $F) New-OmsTask $T -Source $S -Target $G -Include $K -MigrationType Full -RowFilter @{ $K = $F }",
                    new Hashtable { ["T"] = task, ["S"] = source, ["G"] = target, ["K"] = $"{schema}.orders", ["F"] = filter });
                Assert.Equal(["InvalidRowFilterValue"], created.ErrorIds);
                Assert.Contains(reason, created.Errors[0].Exception.Message);
            }
            Assert.Equal(1L, await TestPostgres.ScalarAsync($"SELECT count(*) FROM {schema}.victim"));
        }
        finally
        {
            ps.Invoke("param($S, $G) Remove-OmsDataSource $S, $G -Confirm:$false", new Hashtable { ["S"] = source, ["G"] = target });
            await TestPostgres.ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    [Fact]
    public async Task RowFiltersAndColumnsOnTablesOutsideTheTaskAreRefused()
    {
        var db = await CreateSourceAsync("rfout");
        var t = CmdletTask.Create(ps, $"{db}.orders", "-MigrationType Schema,Full");
        try
        {
            var created = ps.Invoke("param($T, $S, $G, $D) New-OmsTask \"$T-2\" -Source $S -Target $G -Include \"$D.orders\" -MigrationType Full -RowFilter @{ \"$D.customers\" = 'id > 1' } -Column @{ \"$D.items\" = 'id' }",
                new Hashtable { ["T"] = t.Task, ["S"] = t.Source, ["G"] = t.Target, ["D"] = db });
            Assert.Equal(["RowFilterTableNotInTask", "ColumnTableNotInTask"], created.ErrorIds);
            Assert.Contains($"'{db}.customers'", created.Errors[0].Exception.Message);
            Assert.Equal("RowFilter", ((System.ArgumentException)created.Errors[0].Exception).ParamName);
            var set = ps.Invoke("param($T, $D) Set-OmsTask $T -RowFilter @{ \"$D.customers\" = 'id > 1' } -Confirm:$false", new Hashtable { ["T"] = t.Task, ["D"] = db });
            Assert.Equal(["RowFilterTableNotInTask"], set.ErrorIds);

            // A table the rules select but the source does not have: the pre-check says the filter would do nothing.
            t.Run($"Set-OmsTask $T -Include '{db}.*' -RowFilter @{{ '{db}.gone' = 'id > 1' }} -Confirm:$false");
            var check = Assert.Single(t.Run("Test-OmsTask $T"), c => c.Text("Check") == "RowFilter");
            Assert.Equal("Fail", check.Text("Status"));
            Assert.Contains($"'{db}.gone'", check.Text("Message"));
        }
        finally
        {
            await t.RemoveAsync(db);
        }
    }

    [Fact]
    public async Task IncludeHelpSaysHowToQuoteNamesAndSuchPatternsSelectThem()
    {
        var help = string.Join("\n", ps.Run("(Get-Help New-OmsTask -Parameter Include).description.Text"));
        Assert.Contains("back-quote", help);
        Assert.Contains("'`my.db`.*'", help);
        Assert.Contains("doubled", help);

        var db = TestServers.UniqueName("q.d");
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"CREATE DATABASE `{db}`; CREATE TABLE `{db}`.`it``s` (id INT PRIMARY KEY); INSERT INTO `{db}`.`it``s` VALUES (1), (2);");
        var pattern = $"`{db}`.`it``s`";
        var t = CmdletTask.Create(ps, pattern, "-MigrationType Schema,Full");
        try
        {
            t.Run("$null = Start-OmsForward $T -Wait -Confirm:$false");
            Assert.Equal(2L, await TableSnapshot.CountAsync(TestServers.MariaDbB, db, "it`s"));
        }
        finally
        {
            await t.RemoveAsync(db);
        }
    }

    /// <summary>A source database with orders (a note column) and a table a hostile filter would drop.</summary>
    private static async Task<string> CreateSourceAsync(string prefix)
    {
        var db = TestServers.UniqueName(prefix);
        await TestServers.ExecuteAsync(TestServers.MariaDbA, $"""
            CREATE DATABASE `{db}`;
            CREATE TABLE `{db}`.orders (id INT PRIMARY KEY, note VARCHAR(20));
            INSERT INTO `{db}`.orders VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'x;y'), (5, NULL);
            CREATE TABLE `{db}`.victim (id INT PRIMARY KEY);
            INSERT INTO `{db}`.victim VALUES (1), (2), (3);
            """);
        return db;
    }
}
