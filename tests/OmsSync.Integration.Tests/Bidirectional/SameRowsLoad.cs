using System.Data.Common;
using System.Diagnostics;

namespace OmsSync.Integration.Tests.Bidirectional;

/// <summary>
/// One side's application writing the rows the other side writes too, autocommit, for as long as it is let: mostly
/// updates that stamp the row, and deletes, inserts again (ignored when the key is there), a unique name taken from a
/// few, and moves to another key (ignored when taken). Every write sets the NewerWins column to the server's clock.
/// </summary>
internal sealed class SameRowsLoad(DbConnection connection, string table, char side, int seed, SameRowsLoad.Dialect sql)
{
    public const int Rows = 200;

    /// <summary>How a kind of server spells what the load writes.</summary>
    public sealed record Dialect(string Now, string InsertIgnore, string UpdateIgnore, string InsertIgnoreSuffix = "");

    public static readonly Dialect MariaDb = new("NOW(6)", "INSERT IGNORE INTO", "UPDATE IGNORE");
    // A statement that would break a key does nothing (as IGNORE does), without aborting the session.
    public static readonly Dialect Postgres = new("clock_timestamp()", "INSERT INTO", "UPDATE", " ON CONFLICT DO NOTHING");

    /// <summary>The table's definition (MariaDB and PostgreSQL alike), and its first rows.</summary>
    public static string Schema(string name, string timestamp) =>
        $"CREATE TABLE {name} (id INT PRIMARY KEY, v INT NOT NULL, name VARCHAR(20) NULL UNIQUE, side CHAR(1) NOT NULL, ts {timestamp} NOT NULL);\n";

    public int Writes { get; private set; }
    /// <summary>Statements the server refused (a key taken, a deadlock): they changed nothing.</summary>
    public int Refused { get; private set; }

    public async Task RunAsync(TimeSpan duration, int perSecond)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var id = random.Next(1, Rows + 1);
            var roll = random.Next(100);
            var statement = roll switch
            {
                < 70 => $"UPDATE {table} SET v = v + 1, side = '{side}', ts = {sql.Now} WHERE id = {id}",
                < 80 => $"DELETE FROM {table} WHERE id = {id}",
                < 90 => $"{sql.InsertIgnore} {table} (id, v, name, side, ts) VALUES ({id}, 0, NULL, '{side}', {sql.Now}){sql.InsertIgnoreSuffix}",
                < 95 => $"{sql.UpdateIgnore} {table} SET name = 'n{random.Next(10)}', side = '{side}', ts = {sql.Now} WHERE id = {id}",
                _ => $"{sql.UpdateIgnore} {table} SET id = {random.Next(1, Rows + 1)}, side = '{side}', ts = {sql.Now} WHERE id = {id}",
            };
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = statement;
                try
                {
                    await command.ExecuteNonQueryAsync();
                }
                catch (DbException e) when (IsKeyTaken(e) || IsLockConflict(e))
                {
                    // PostgreSQL has no UPDATE IGNORE: a name or key taken leaves the row as it was. A deadlock with the
                    // applier's transaction rolls the statement back, as it would an application's.
                    Refused++;
                }
            }
            Writes++;
            var wait = TimeSpan.FromSeconds((double)Writes / perSecond) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
        }
    }

    private static bool IsLockConflict(DbException e) =>
        e is MySqlConnector.MySqlException { ErrorCode: MySqlConnector.MySqlErrorCode.LockDeadlock or MySqlConnector.MySqlErrorCode.LockWaitTimeout }
            or Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected };

    private static bool IsKeyTaken(DbException e) => e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };
}
