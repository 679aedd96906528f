using OmsSync.Engine.Changes;
using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Values;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Binlog;

/// <summary>Transaction grouping, positions, DDL items, GTID starts, purged files and heartbeats against a real MariaDB.</summary>
public sealed class BinlogTransactionTests
{
    [Fact]
    public async Task UpdatesAndDeletesCarryBeforeImages()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_upd");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), n BIGINT UNSIGNED)");
        await db.ExecuteAsync("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("UPDATE t SET v = 'z', n = 18446744073709551615 WHERE id = 1");
        await db.ExecuteAsync("DELETE FROM t WHERE id = 2");

        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 2));
        var update = Assert.IsType<RowChange>(Assert.Single(mine[0].Changes));
        Assert.Equal(RowChangeKind.Update, update.Kind);
        Assert.Equal([1L, "a", 1UL], update.Before!.Select(Plain));
        Assert.Equal([1L, "z", ulong.MaxValue], update.After!.Select(Plain));
        var delete = Assert.IsType<RowChange>(Assert.Single(mine[1].Changes));
        Assert.Equal(RowChangeKind.Delete, delete.Kind);
        Assert.Null(delete.After);
        Assert.Equal([2L, "b", 2UL], delete.Before!.Select(Plain));
    }

    [Fact]
    public async Task MultiStatementTransactionIsOneItemEndingAtItsCommit()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_multi");
        await db.ExecuteAsync("CREATE TABLE a (id INT PRIMARY KEY); CREATE TABLE b (id INT PRIMARY KEY, x INT)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await using (var connection = await db.OpenAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            foreach (var sql in new[] { "INSERT INTO a VALUES (1), (2)", "INSERT INTO b VALUES (1, 10)", "UPDATE b SET x = 11", "DELETE FROM a WHERE id = 2" })
            {
                await using var command = new MySqlCommand(sql, connection, tx);
                await command.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        await db.ExecuteAsync("INSERT INTO a VALUES (3)");

        var read = await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 2);
        var mine = db.Mine(read);
        var first = mine[0];
        Assert.Equal(
            ["Insert a", "Insert a", "Insert b", "Update b", "Delete a"],
            first.Changes.Cast<RowChange>().Select(c => $"{c.Kind} {c.Table}"));
        // The end position is a real boundary: the server's GTID state at exactly that offset is the one reported.
        var gtidsThere = await TestServers.ScalarAsync(BinlogTestDatabase.Server,
            $"SELECT BINLOG_GTID_POS('{first.BinlogEnd().File}', {first.BinlogEnd().Position})");
        Assert.Equal(MariaDbGtidList.Parse((string)gtidsThere!), MariaDbGtidList.Parse(first.BinlogEnd().Gtids!));
        Assert.Equal(first.BinlogEnd().Gtids!.Split(',').Single(g => g.StartsWith("0-")), first.Id);
        // Whatever comes next (other tests write to this server too) starts where it ends.
        Assert.Equal(first.EndPosition, read[read.IndexOf(first) + 1].StartPosition);
        Assert.Equal(start.File, first.BinlogStart().File);
        Assert.True(first.BinlogStart().Position >= start.Position, $"start {first.StartPosition} is before {start}");
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - first.CommitTime).TotalMinutes) < 5);

        // Resuming from the end position yields exactly the next transaction.
        var resumed = db.Mine(await BinlogTestDatabase.ReadUntilAsync(BinlogStartPosition.FromCheckpoint(first.BinlogEnd()), r => db.Mine(r).Count >= 1));
        Assert.Equal(mine[1].Id, resumed[0].Id);
    }

    [Fact]
    public async Task DdlIsItsOwnItemWithItsDefaultDatabase()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_ddl");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        await db.ExecuteAsync("ALTER TABLE t ADD COLUMN name VARCHAR(20) CHARACTER SET latin1");
        await db.ExecuteAsync("INSERT INTO t VALUES (1, 'é')");

        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 3));
        Assert.True(mine[0].IsDdl);
        var create = Assert.IsType<DdlChange>(mine[0].Changes[0]);
        Assert.Equal(db.Name, create.Database);
        Assert.StartsWith("CREATE TABLE t", create.Statement);
        Assert.NotNull(mine[0].Id);
        Assert.StartsWith("ALTER TABLE t", Assert.IsType<DdlChange>(Assert.Single(mine[1].Changes)).Statement);
        var insert = Assert.IsType<RowChange>(Assert.Single(mine[2].Changes));
        Assert.Equal("é", insert["name"]!.ToString());
        Assert.Equal("latin1", ((MySqlText)insert["name"]!).Charset);
    }

    [Fact]
    public async Task StartingFromMariaDbGtidSkipsWhatWasApplied()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_gtid");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        await db.ExecuteAsync("INSERT INTO t VALUES (1)");
        var gtids = (string)(await TestServers.ScalarAsync(BinlogTestDatabase.Server, "SELECT @@gtid_binlog_pos"))!;
        await db.ExecuteAsync("INSERT INTO t VALUES (2)");
        await db.ExecuteAsync("INSERT INTO t VALUES (3)");

        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(BinlogStartPosition.FromMariaDbGtids(gtids), r => db.Mine(r).Count >= 2));
        Assert.Equal([2L, 3L], mine.Select(t => ((RowChange)t.Changes[0])["id"]));
        var sequence = MariaDbGtid.Parse(gtids.Split(',').Single(g => g.StartsWith("0-"))).Sequence;
        // Other tests write concurrently, so the next sequence numbers may belong to them.
        Assert.True(MariaDbGtid.Parse(mine[0].Id!).Sequence > sequence);
        Assert.Equal(mine[1].Id, MariaDbGtidList.Parse(mine[1].BinlogEnd().Gtids!).Find(0).ToString());
        Assert.False(string.IsNullOrEmpty(mine[1].BinlogEnd().File));
    }

    [Fact]
    public async Task UnknownStartFileIsATypedBinlogUnavailableError()
    {
        var missing = BinlogStartPosition.FromFile("mysql-bin.999999", 4);
        var error = await Assert.ThrowsAsync<BinlogServerException>(() => BinlogTestDatabase.ReadUntilAsync(missing, _ => true));
        Assert.True(error.IsBinlogUnavailable, error.Message);
        Assert.Equal(1236, error.ErrorNumber);
        Assert.Equal("HY000", error.SqlState);
    }

    [Fact]
    public async Task HeartbeatsArriveOnAnIdleStreamAtTheHeadPosition()
    {
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        // Workers of other tests write a heartbeat row on this server every second: ask for a shorter period than that,
        // and wait long enough for the server to fall idle that long twice between other tests' bursts.
        var read = await BinlogTestDatabase.ReadUntilAsync(start, r => r.Count(t => t.IsHeartbeat) >= 2, timeout: TimeSpan.FromSeconds(90),
            options: BinlogTestDatabase.Options(heartbeat: TimeSpan.FromMilliseconds(200)));
        var heartbeat = read.Last();
        Assert.True(heartbeat.IsHeartbeat);
        Assert.Empty(heartbeat.Changes);
        Assert.False(string.IsNullOrEmpty(heartbeat.BinlogEnd().File));
        Assert.True(heartbeat.BinlogEnd().Position >= 4);
    }

    [Fact]
    public async Task TlsIsUsedWhenTheServerOffersItAndRequiredFailsWhenItDoesNot()
    {
        var haveSsl = Convert.ToString(await TestServers.ScalarAsync(BinlogTestDatabase.Server, "SELECT @@have_ssl"));
        var plain = BinlogTestDatabase.Options();
        var options = new BinlogConnectionOptions
        {
            Host = plain.Host, Port = plain.Port, User = plain.User, Password = plain.Password, ServerId = plain.ServerId,
            HeartbeatInterval = plain.HeartbeatInterval, TlsMode = BinlogTlsMode.Required, CertificateValidation = (_, _, _, _) => true,
        };
        if (haveSsl != "YES")
        {
            var head = await BinlogTestDatabase.CurrentPositionAsync();
            await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(
                () => BinlogTestDatabase.ReadUntilAsync(head, _ => true, options: options));
            return;
        }
        await using var db = await BinlogTestDatabase.CreateAsync("bl_tls");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("INSERT INTO t VALUES (7)");
        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 1, options: options));
        Assert.Equal(7L, ((RowChange)mine[0].Changes[0])["id"]);
    }

    [Fact]
    public async Task TwoPhaseXaYieldsThePreparedChangesAndThenTheOutcome()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_xa");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("XA START 'x1'; INSERT INTO t VALUES (1); XA END 'x1'; XA PREPARE 'x1'; XA COMMIT 'x1'");
        await db.ExecuteAsync("XA START 'x2'; INSERT INTO t VALUES (2); XA END 'x2'; XA PREPARE 'x2'; XA ROLLBACK 'x2'");
        await db.ExecuteAsync("INSERT INTO t VALUES (3)");
        var read = await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 3);
        var xa = read.Where(t => t.XaPhase != XaPhase.None).ToList();
        Assert.Equal([XaPhase.Prepared, XaPhase.Committed, XaPhase.Prepared, XaPhase.RolledBack], xa.Select(t => t.XaPhase));
        Assert.Equal(1L, ((RowChange)xa[0].Changes.Single())["id"]);
        Assert.Empty(xa[1].Changes);
        Assert.Equal(2L, ((RowChange)xa[2].Changes.Single())["id"]);
        Assert.All(xa, t => Assert.NotNull(t.XaId));
        Assert.Equal(xa[0].XaId, xa[1].XaId);
        Assert.Equal(xa[2].XaId, xa[3].XaId);
        Assert.NotEqual(xa[0].XaId, xa[2].XaId);
        // Other sessions may log between the PREPARE and the COMMIT; each still starts where the one before it ended.
        var commit = read.IndexOf(xa[1]);
        Assert.Equal(read[commit - 1].EndPosition, xa[1].StartPosition);
        Assert.True(read.IndexOf(xa[0]) < commit);
    }

    [Fact]
    public async Task OnePhaseXaIsAnOrdinaryTransaction()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_xa1");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("XA START 'x2'; INSERT INTO t VALUES (1), (2); XA END 'x2'; XA COMMIT 'x2' ONE PHASE");
        await db.ExecuteAsync("INSERT INTO t VALUES (3)");
        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 2));
        Assert.Equal(2, mine[0].Changes.Count);
        Assert.Single(mine[1].Changes);
    }

    [Fact]
    public async Task SkipReplicationSessionsAreFlagged()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_skip");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("SET SESSION skip_replication = 1; INSERT INTO t VALUES (1)");
        await db.ExecuteAsync("INSERT INTO t VALUES (2)");
        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 2));
        Assert.Equal([true, false], mine.Select(t => t.SkipReplication));
    }

    [Fact]
    public async Task GtidPositionsTrackEveryDomain()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_domains");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("SET SESSION gtid_domain_id = 7; INSERT INTO t VALUES (1)");
        await db.ExecuteAsync("INSERT INTO t VALUES (2)");
        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 2));
        Assert.StartsWith("7-", mine[0].Id);
        Assert.StartsWith("0-", mine[1].Id);
        var end = MariaDbGtidList.Parse(mine[1].BinlogEnd().Gtids!);
        Assert.Equal(mine[0].Id, end.Find(7).ToString());
        Assert.Equal(mine[1].Id, end.Find(0).ToString());
        // The start position carried the full state, so every domain the server knows is in the list.
        Assert.Equal(MariaDbGtidList.Parse(mine[0].BinlogStart().Gtids!).Gtids.Select(g => g.Domain).Append(7u).Distinct().Order(),
            end.Gtids.Select(g => g.Domain));

        // Resuming from the two-domain list skips both transactions.
        await db.ExecuteAsync("INSERT INTO t VALUES (3)");
        var resumed = db.Mine(await BinlogTestDatabase.ReadUntilAsync(BinlogStartPosition.FromMariaDbGtids(end), r => db.Mine(r).Count >= 1));
        Assert.Equal(3L, ((RowChange)resumed[0].Changes[0])["id"]);
    }

    private static object? Plain(object? value) => value is MySqlText text ? text.ToString() : value;
}
