using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.PreCheck;
using OmsSync.Integration.Tests.FullLoad;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Tasks between MariaDB and PostgreSQL that cannot run are refused by the pre-check, naming the object and the fix, before anything is created.</summary>
public sealed class PostgresPreCheckTests
{
    [Fact]
    public async Task ColumnsWithoutAPostgreSqlCounterpartAreNamedAndNothingIsCreated()
    {
        await using var h = EngineHarness.Create();
        var longName = new string('c', 64);
        var db = await h.CreateDatabaseAsync(h.Source, "refuse", $"""
            CREATE TABLE shapes (id INT PRIMARY KEY, area INT AS (id * 2) VIRTUAL, {longName} INT);
            CREATE TABLE fine (id INT PRIMARY KEY);
            CREATE VIEW v AS SELECT id FROM fine;
            """);
        var schema = db + "_pg";
        h.TrackPostgres(schema);
        var task = h.AddTask(new MigrationTask
        {
            Name = "refuse-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.Postgres,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = schema },
        });

        var results = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        var types = results.Where(r => r.Check == "ColumnTypes" && r.Status == CheckStatus.Fail).Select(r => r.Message).ToList();
        Assert.DoesNotContain(types, m => m.Contains("`area`"));
        // A generated column whose expression translates is computed by PostgreSQL: said, not refused.
        Assert.Contains(results, r => r.Check == "GeneratedColumns" && r.Status == CheckStatus.Pass && r.Message.Contains("`area`") && r.Message.Contains("`id` * 2")
                                      && r.Message.Contains("computing ((\"id\")::bigint * 2)"));
        Assert.Contains(types, m => m.Contains(longName) && m.Contains("63 bytes"));
        Assert.Contains(results, r => r.Check == "Views" && r.Status == CheckStatus.Warn);
        Assert.DoesNotContain(results, r => r.Check == "Objects" && r.Status == CheckStatus.Pass);

        var error = await Assert.ThrowsAsync<OmsException>(() => FullMigrationTests.RunInProcessAsync(h, task));
        Assert.Equal("TargetSchemaIncompatible", error.ErrorId);
        Assert.Null(await TestPostgres.ScalarAsync($"SELECT 1 FROM pg_namespace WHERE nspname = '{schema}'"));

        var narrowed = h.AddTask(task with
        {
            Name = "narrow-" + Guid.NewGuid().ToString("N")[..8],
            Columns = new Dictionary<string, IReadOnlyList<string>> { [$"{db}.shapes"] = ["id"] },
        });
        Assert.DoesNotContain(await h.Service.TestTaskAsync(narrowed.Name, CancellationToken.None), r => r.Status == CheckStatus.Fail);
    }

    [Fact]
    public async Task APostgreSqlSourceNeedsReplicaIdentitiesAndMappableColumns()
    {
        await using var h = EngineHarness.Create();
        var schema = await h.CreatePostgresSchemaAsync("ident", """
            CREATE TABLE keyed (id int PRIMARY KEY, tags text[], huge numeric(70,2));
            CREATE TABLE loose (v int);
            CREATE TABLE full_image (v int);
            ALTER TABLE full_image REPLICA IDENTITY FULL;
            """);
        var db = schema + "_my";
        h.Track(h.Target, db);
        var task = h.AddTask(new MigrationTask
        {
            Name = "ident-" + Guid.NewGuid().ToString("N")[..8], Source = h.Postgres, Target = h.TargetName,
            Include = [$"{schema}.*"], Renames = new Dictionary<string, string> { [schema] = db },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        var results = await h.Service.TestTaskAsync(task.Name, CancellationToken.None);
        var identity = results.Where(r => r.Check == "ReplicaIdentity").ToDictionary(r => r.Target!, r => r);
        Assert.Equal(CheckStatus.Pass, identity[$"{schema}.keyed"].Status);
        Assert.Equal(CheckStatus.Pass, identity[$"{schema}.full_image"].Status);
        Assert.Equal(CheckStatus.Fail, identity[$"{schema}.loose"].Status);
        Assert.Contains($"ALTER TABLE \"{schema}\".\"loose\" REPLICA IDENTITY FULL", identity[$"{schema}.loose"].Message);
        // An array is carried as JSON; a numeric wider than MySQL's DECIMAL is refused.
        Assert.DoesNotContain(results, r => r.Check == "ColumnTypes" && r.Message.Contains("\"tags\""));
        Assert.Contains(results, r => r.Check == "ColumnTypes" && r.Status == CheckStatus.Fail && r.Message.Contains("\"huge\"") && r.Message.Contains("numeric(70,2)"));
        Assert.Contains(results, r => r.Check == "WalLevel" && r.Status == CheckStatus.Pass);
    }
}
