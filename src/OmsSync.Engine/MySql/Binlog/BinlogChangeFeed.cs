using System.Runtime.CompilerServices;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Model;
using OmsSync.Engine.State;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// A MySQL-family source's changes for incremental verification: its binlog, read with a replica id of its own apart
/// from the task's synchronization, from now or (-Since) from the oldest binlog the source keeps, skipping what
/// committed before that time. A lost connection is read again from the last transaction seen.
/// </summary>
internal sealed class BinlogChangeFeed(MySqlEndpoint source, string password, MigrationTask task, StateStore store, IReadOnlyList<TableComparePlan> plans)
    : IChangeFeed
{
    public async IAsyncEnumerable<SourceTransaction> ReadAsync(DateTimeOffset? since, Action<string> log, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tables = plans.Select(p => (p.Mapping.SourceDatabase, p.Mapping.SourceTable)).ToHashSet();
        var options = BinlogConnectionOptions.ForTask(source.Source, password, $"{task.Name}/verify");
        var start = await StartAsync(options, since, cancellationToken).ConfigureAwait(false);
        log($"incremental verification reads the binlog from {start}{(since is null ? "" : $", changes committed since {since:O}")}");
        var reader = new BinlogTransactionReader(options,
            new VersionedSchemaProvider(new SchemaHistory(store), task.Name, Direction.Forward, new InformationSchemaProvider(options)),
            (database, table) => tables.Contains((database, table)));
        while (true)
        {
            await using var transactions = reader.ReadAsync(start, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await transactions.MoveNextAsync().ConfigureAwait(false)) yield break;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested
                    && (e is IOException or System.Net.Sockets.SocketException or TimeoutException
                        || e is BinlogServerException { IsBinlogUnavailable: false } b && b.ErrorNumber != BinlogServerException.AccessDenied))
                {
                    break;
                }
                start = BinlogStartPosition.FromCheckpoint(transactions.Current.BinlogEnd());
                yield return transactions.Current;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BinlogStartPosition> StartAsync(BinlogConnectionOptions options, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var now = await NowAsync(cancellationToken).ConfigureAwait(false);
        if (since is null || since >= now)
            return BinlogStartPosition.FromCheckpoint(await BinlogServerInfo.GetCurrentPositionAsync(options, cancellationToken).ConfigureAwait(false));
        // From a time in the past: the oldest binlog the source keeps; the verifier skips what committed before that time.
        var files = await BinlogServerInfo.ListFilesAsync(options, cancellationToken).ConfigureAwait(false);
        return BinlogStartPosition.FromFile(files[0].Name);
    }

    private async Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MySqlEndpoint.ReadClockAsync(connection, cancellationToken).ConfigureAwait(false);
    }
}
