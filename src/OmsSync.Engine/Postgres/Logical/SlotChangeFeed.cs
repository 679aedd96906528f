using System.Runtime.CompilerServices;
using Npgsql;
using Npgsql.Replication;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// A PostgreSQL source's changes for incremental verification, through a temporary logical replication slot of the
/// verification's own, read with pgoutput. The task's slot is never touched: its position is the task's checkpoint and
/// only the task's worker reads and acknowledges it. A temporary slot lives as long as its connection, so a killed
/// verification leaves nothing holding WAL behind. The slot reads the task's publication; a task without incremental
/// synchronization has none, and the verification publishes its tables for as long as it runs.
/// A new slot sees changes from its creation on: -Since in the past cannot be read, and after a lost connection the
/// changes made while it was down are not followed (the log says so).
/// </summary>
internal sealed class SlotChangeFeed(PostgresEndpoint source, MigrationTask task, StateStore store, IReadOnlyList<TableComparePlan> plans) : IChangeFeed
{
    public async IAsyncEnumerable<SourceTransaction> ReadAsync(DateTimeOffset? since, Action<string> log, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false))
            if (since is { } from && from < await PostgresEndpoint.ReadClockAsync(connection, cancellationToken).ConfigureAwait(false))
                throw new OmsException("SinceNotAvailable", OmsErrorKind.InvalidArgument, task.Name,
                    $"-Since {from:O} is in the past, and a PostgreSQL source's changes can only be followed from when verification starts reading them " +
                    "(a new replication slot sees nothing older). Leave -Since out, and verify what changed before with -Mode Full.");
        var publication = await PublicationAsync(log, cancellationToken).ConfigureAwait(false);
        try
        {
            var spill = new TransactionSpillOptions(store.Home.SpillFolder(task.Name + ".verify", Direction.Forward), task.IncrementalMemoryLimit);
            var gap = false;
            while (true)
            {
                await using var replication = await source.OpenReplicationAsync(cancellationToken).ConfigureAwait(false);
                var name = $"{ReplicationObjects.Name(task, Direction.Forward)}_v{Random.Shared.Next(0x10000):x4}";
                var slot = await replication.CreatePgOutputReplicationSlot(name, temporarySlot: true, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.NoExport,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                log(gap
                    ? $"incremental verification reads again from {slot.ConsistentPoint} (slot {name}); rows changed while the connection was down are not verified: run -Mode Full for them"
                    : $"incremental verification reads a temporary replication slot {name} of publication {publication.Name} from {slot.ConsistentPoint}");
                var reader = new PgOutputReader(replication, name, publication.Name, messages: false, spill);
                await using var transactions = reader.ReadAsync(slot.ConsistentPoint, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    try
                    {
                        if (!await transactions.MoveNextAsync().ConfigureAwait(false)) yield break;
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested && Lost(e))
                    {
                        break;
                    }
                    yield return transactions.Current;
                    // The slot is the verification's own: what has been read may go.
                    reader.Acknowledge(((PostgresPosition)transactions.Current.EndPosition).Lsn);
                }
                gap = true;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (publication.Owned)
                await DropAsync(publication.Name).ConfigureAwait(false);
        }
    }

    private static bool Lost(Exception error) => error switch
    {
        PostgresException p => p.IsTransient,
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        IOException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException => true,
        _ => false,
    };

    /// <summary>The task's publication when it holds every verified table; otherwise one of the verification's own.</summary>
    private async Task<(string Name, bool Owned)> PublicationAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var taskPublication = ReplicationObjects.Name(task, Direction.Forward);
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var published = new NpgsqlCommand("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1", connection))
        {
            published.Parameters.AddWithValue(taskPublication);
            var tables = new HashSet<(string, string)>();
            await using (var reader = await published.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    tables.Add((reader.GetString(0), reader.GetString(1)));
            if (plans.All(p => tables.Contains((p.Mapping.SourceDatabase, p.Mapping.SourceTable))))
                return (taskPublication, false);
        }
        var name = VerificationPublication(task);
        var list = string.Join(", ", plans.Select(p => PostgresSyntax.QuoteQualified(p.Mapping.SourceDatabase, p.Mapping.SourceTable)));
        await using (var drop = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {PostgresSyntax.QuoteIdentifier(name)}", connection))
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand($"CREATE PUBLICATION {PostgresSyntax.QuoteIdentifier(name)} FOR TABLE {list}" +
                                                    (connection.PostgreSqlVersion.Major >= 13 ? " WITH (publish_via_partition_root = true)" : ""), connection))
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        log($"the task has no publication of these tables (no incremental synchronization): publication {name} holds them while verification runs");
        return (name, true);
    }

    /// <summary>The publication an incremental verification makes when the task has none; dropped when it ends, and with the task.</summary>
    public static string VerificationPublication(MigrationTask task) => ReplicationObjects.Name(task, Direction.Forward) + "_v";

    private async Task DropAsync(string publication)
    {
        try
        {
            await using var connection = await source.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var drop = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {PostgresSyntax.QuoteIdentifier(publication)}", connection);
            await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OmsException)
        {
            // The source is away: Remove-OmsTask drops it later.
        }
    }
}
