using OmsSync.Engine.Changes;
using System.Text;
using System.Threading.Channels;
using MySqlConnector;
using OmsSync.Engine.Incremental;
using OmsSync.Engine.Model;
using OmsSync.Engine.Sources.MySql;
using OmsSync.Engine.State;

namespace OmsSync.Engine.Verification;

/// <summary>
/// Incremental verification (OMS Incr-Verification): reads the source's binlog from a given time and re-verifies,
/// continuously, every row the changes touch, once the task's lag has passed. A difference recorded earlier is
/// withdrawn when a later change makes the row agree again, so the figures show what differs now. A table
/// without a key that changes is compared again as a whole. Runs until stopped.
/// </summary>
internal sealed class IncrementalVerifier
{
    private static readonly TimeSpan BatchInterval = TimeSpan.FromSeconds(1);
    private const int MaxKeysPerBatch = 2_000;

    private readonly VerificationContext _context;
    private readonly StateStore _store;
    private readonly string _sourcePassword;

    public IncrementalVerifier(VerificationContext context, StateStore store, string sourcePassword)
    {
        _context = context;
        _store = store;
        _sourcePassword = sourcePassword;
    }

    /// <summary>Changed rows of one table: their keys as conditions on the source's values, or (without a key) just that it changed.</summary>
    private sealed record Touched(TableComparePlan Plan, IReadOnlyCollection<string> KeyConditions);

    public async Task RunAsync(IReadOnlyList<TableComparePlan> plans, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var byTable = plans.ToDictionary(p => (p.Mapping.SourceDatabase, p.Mapping.SourceTable));
        var options = BinlogOptions();
        var start = await StartAsync(options, since, cancellationToken).ConfigureAwait(false);
        _context.Log($"incremental verification reads the binlog from {start}{(since is null ? "" : $", changes committed since {since:O}")}");
        var reader = new BinlogTransactionReader(options,
            new VersionedSchemaProvider(new SchemaHistory(_store), _context.Task.Name, Direction.Forward, new InformationSchemaProvider(options)),
            (database, table) => byTable.ContainsKey((database, table)));

        var batches = Channel.CreateBounded<List<Touched>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ReadAsync(reader, start, since, byTable, batches.Writer, failed.Token), failed.Token);
        var checking = Task.Run(() => CheckAsync(batches.Reader, failed.Token), failed.Token);
        var first = await Task.WhenAny(reading, checking).ConfigureAwait(false);
        failed.Cancel();
        try { await Task.WhenAll(reading, checking).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!first.IsFaulted) { }
        await first.ConfigureAwait(false); // its failure, if any
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Collects the keys the binlog's row changes touch, and hands them on about once a second.
    private async Task ReadAsync(BinlogTransactionReader reader, BinlogStartPosition start, DateTimeOffset? since,
        IReadOnlyDictionary<(string, string), TableComparePlan> byTable, ChannelWriter<List<Touched>> batches, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<TableComparePlan, HashSet<string>>();
        var keys = 0;
        var lastHandOver = DateTime.UtcNow;
        try
        {
            while (true)
            {
                try
                {
                    await foreach (var transaction in reader.ReadAsync(start, cancellationToken).ConfigureAwait(false))
                    {
                        start = BinlogStartPosition.FromCheckpoint(transaction.BinlogEnd());
                        if (!transaction.IsHeartbeat && (since is null || transaction.CommitTime >= since))
                            foreach (var change in transaction.Changes.OfType<RowChange>())
                            {
                                if (!byTable.TryGetValue((change.Database, change.Table), out var plan)) continue;
                                if (!pending.TryGetValue(plan, out var set)) pending[plan] = set = new HashSet<string>(StringComparer.Ordinal);
                                if (!plan.HasKey) continue;
                                foreach (var image in new[] { change.Before, change.After })
                                    if (image is not null && set.Add(KeyCondition(plan, change, image)))
                                        keys++;
                            }
                        if (pending.Count > 0 && (keys >= MaxKeysPerBatch || DateTime.UtcNow - lastHandOver >= BatchInterval))
                        {
                            await batches.WriteAsync(pending.Select(p => new Touched(p.Key, p.Value)).ToList(), cancellationToken).ConfigureAwait(false);
                            pending = new Dictionary<TableComparePlan, HashSet<string>>();
                            keys = 0;
                            lastHandOver = DateTime.UtcNow;
                        }
                    }
                    break;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested
                    && (e is IOException or System.Net.Sockets.SocketException or TimeoutException
                        || e is BinlogServerException { IsBinlogUnavailable: false } b && b.ErrorNumber != BinlogServerException.AccessDenied))
                {
                    // A lost binlog connection is read again from the last transaction seen.
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
            batches.TryComplete();
        }
        catch (Exception e)
        {
            batches.TryComplete(e);
            throw;
        }
    }

    private async Task CheckAsync(ChannelReader<List<Touched>> batches, CancellationToken cancellationToken)
    {
        var confirmer = new DifferenceConfirmer(_context.Gate);
        await using var source = await _context.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var target = await _context.Target.OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var batch in batches.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            foreach (var (plan, conditions) in batch)
            {
                if (plan.HasKey)
                    await CheckKeysAsync(confirmer, source, target, plan, conditions, cancellationToken).ConfigureAwait(false);
                else
                    await CheckMultisetAsync(confirmer, source, target, plan, cancellationToken).ConfigureAwait(false);
            }
    }

    private async Task CheckKeysAsync(DifferenceConfirmer confirmer, MySqlConnection source, MySqlConnection target, TableComparePlan plan,
        IReadOnlyCollection<string> conditions, CancellationToken cancellationToken)
    {
        // The rows the changes name, as each side has them now (by key value, so a target that sees 'A' for 'a' shows up too).
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var side in new[] { Side.Source, Side.Target })
            keys.UnionWith(await KeysAsync(side == Side.Source ? source : target, plan, side, conditions, cancellationToken).ConfigureAwait(false));
        if (keys.Count == 0) return; // gone on both sides
        var (differ, equal) = await confirmer.ConfirmKeysAsync(source, target, plan, keys.ToList(), cancellationToken).ConfigureAwait(false);
        // What was recorded for these rows before is replaced by what they are now.
        _context.Progress.Cleared(plan, keys);
        _context.Progress.Record(plan, differ);
        _context.Progress.Compared(plan, equal.Count + differ.Count(d => d.Source is not null), equal.Count + differ.Count(d => d.Target is not null));
    }

    private async Task CheckMultisetAsync(DifferenceConfirmer confirmer, MySqlConnection source, MySqlConnection target, TableComparePlan plan,
        CancellationToken cancellationToken)
    {
        var buckets = Enumerable.Range(0, 1 << ChunkChecksums.BucketBits).ToList();
        var sourceCopies = await ChunkChecksums.CopiesAsync(source, plan, Side.Source, buckets, cancellationToken).ConfigureAwait(false);
        var targetCopies = await ChunkChecksums.CopiesAsync(target, plan, Side.Target, buckets, cancellationToken).ConfigureAwait(false);
        var hashes = sourceCopies.Keys.Union(targetCopies.Keys).Where(h => sourceCopies.GetValueOrDefault(h) != targetCopies.GetValueOrDefault(h)).ToList();
        _context.Progress.ResetCopies(plan);
        _context.Progress.Compared(plan, sourceCopies.Values.Sum(), targetCopies.Values.Sum());
        if (hashes.Count > 0)
            await FullVerifier.ConfirmAsync(confirmer, source, target, plan, [], hashes, _context.Progress, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<string>> KeysAsync(MySqlConnection connection, TableComparePlan plan, Side side, IReadOnlyCollection<string> conditions,
        CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var key = plan.KeyOf(side);
        foreach (var batch in conditions.Chunk(200))
        {
            await using var command = new MySqlCommand(
                $"SELECT {key.BoundarySelect} FROM {plan.NameOf(side)} WHERE ({string.Join(" OR ", batch)}) AND {plan.Filter(side)}", connection);
            await using var reader = await Connections.SingleStatement.For(command, plan.Filters(side)).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                keys.Add(RowReader.KeyOf(reader, key.Columns.Count));
        }
        return keys;
    }

    /// <summary>"(k1 = v1 AND k2 = v2)" with the image's values as literals, as the applier writes them.</summary>
    private static string KeyCondition(TableComparePlan plan, RowChange change, IReadOnlyList<object?> image)
    {
        var sql = new StringBuilder("(");
        foreach (var index in plan.KeyIndexes)
        {
            var name = plan.Columns[index].Name;
            var at = -1;
            for (var i = 0; i < change.ColumnNames.Count && at < 0; i++)
                if (string.Equals(change.ColumnNames[i], name, StringComparison.OrdinalIgnoreCase)) at = i;
            if (at < 0)
                throw new Errors.OmsException("ColumnNotInBinlog", Errors.OmsErrorKind.DataError, plan.Mapping.Source,
                    $"Key column '{name}' of '{plan.Mapping.Source}' is not in the binlog's row image; verify the table with -Mode Full.");
            if (sql.Length > 1) sql.Append(" AND ");
            sql.Append(Schema.MySqlSyntax.QuoteIdentifier(name)).Append(" = ");
            SqlLiterals.AppendKey(sql, image[at]);
        }
        return sql.Append(')').ToString();
    }

    private async Task<BinlogStartPosition> StartAsync(BinlogConnectionOptions options, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var source = await _context.Source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var now = await LagGate.SourceNowAsync(source, cancellationToken).ConfigureAwait(false);
        if (since is null || since >= now)
            return BinlogStartPosition.FromCheckpoint(await BinlogServerInfo.GetCurrentPositionAsync(options, cancellationToken).ConfigureAwait(false));
        // From a time in the past: the oldest binlog the source keeps, skipping what committed before that time.
        var files = await BinlogServerInfo.ListFilesAsync(options, cancellationToken).ConfigureAwait(false);
        return BinlogStartPosition.FromFile(files[0].Name);
    }

    // A replica id of its own, apart from the task's synchronization.
    private BinlogConnectionOptions BinlogOptions() => BinlogConnectionOptions.ForTask(_context.Source.Source, _sourcePassword, $"{_context.Task.Name}/verify");
}
