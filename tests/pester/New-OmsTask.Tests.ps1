BeforeDiscovery {
    . $PSScriptRoot/CmdletContract.ps1
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    $hostileFilters = Get-TestHostileRowFilter
}
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    $source = New-TestDataSource MariaDbA src
    $target = New-TestDataSource MariaDbB dst
    $base = @{ Source = $source; Target = $target; Include = 'shop.*'; MigrationType = 'Schema', 'Full' }
    function Get-ErrorId($Records) { @($Records | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }
    # Rows of a task's incarnation in a table of the `oms` schema (none when the table is not there).
    function Get-OmsRowCount([string] $Server, [string] $Table, [string] $Key) {
        if (-not (Invoke-TestSql $Server "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'oms' AND table_name = '$Table'" -Scalar)) { return 0 }
        Invoke-TestSql $Server "SELECT COUNT(*) FROM oms.``$Table`` WHERE task = '$Key'" -Scalar
    }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'New-OmsTask' {
    Test-CmdletContract New-OmsTask -Parameters Name, Source, Target, Include, Exclude, Rename, RowFilter, Column, Partition, MigrationType, Topology,
        NonEmptyTarget, IndexMigration, RowsPerSecond, BytesPerSecond, ReadConcurrency, WriteConcurrency, AutoRestart, Label, StartTimestamp,
        ConflictPolicy, TimestampColumn, IncrementalDdl, OnlineDdlTool, DmlTypes, StopAfter, Resources, IncrementalMemoryLimit, ChunkRows, FullLoadBinlog, Object, ObjectFile,
        MessageFormat, TopicMap, TopicPartitions `
        -Mandatory ':Name', ':Source', ':Target', ':MigrationType' -ByPropertyName Name, Source, Target, Include, Exclude, Label -ConfirmImpact Low

    Context 'into Kafka' -Tag Integration {
        BeforeAll {
            $kafka = New-TestName kafka
            $null = New-OmsDataSource $kafka -Type Kafka -Server 'k1.example:9092'
        }

        It 'stores the message format, topic map and partitions' {
            $name = New-TestName task
            $task = New-OmsTask $name -Source $source -Target $kafka -Include 'shop.*' -MigrationType Schema, Full, Incremental -MessageFormat Canal `
                -TopicMap @{ 'shop.orders' = 'orders-cdc' } -TopicPartitions 6
            "$($task.Status)" | Should -Be 'Created'
            $stored = Get-TestStoredTask $name
            $stored.Kafka.Format | Should -Be 'Canal'
            $stored.Kafka.TopicMap.'shop.orders' | Should -Be 'orders-cdc'
            $stored.Kafka.Partitions | Should -Be 6
        }

        It 'refuses what Kafka cannot do: <Case> (<ErrorId>)' -ForEach @(
            @{ Case = 'a reverse direction'; ErrorId = 'InvalidTopology'; Extra = @{ Topology = 'Bidirectional'; MigrationType = 'Schema', 'Incremental' } }
            @{ Case = 'verification'; ErrorId = 'InvalidMigrationType'; Extra = @{ MigrationType = 'Schema', 'Full', 'Verify' } }
            @{ Case = 'a topic name with a space'; ErrorId = 'InvalidTopicMapValue'; Extra = @{ TopicMap = @{ 'shop.orders' = 'my orders' } } }
        ) {
            $options = @{ Source = $source; Target = $kafka; Include = 'shop.*'; MigrationType = 'Schema', 'Full' }
            foreach ($key in $Extra.Keys) { $options[$key] = $Extra[$key] }
            New-OmsTask (New-TestName task) @options -ErrorAction SilentlyContinue -ErrorVariable failed
            Get-ErrorId $failed | Should -Contain $ErrorId
        }

        It 'copies a table into librdkafka''s test server, and Get-OmsTask shows the task done' {
            # librdkafka's test server (its mock cluster): three brokers on loopback ports while $mock lives in this process.
            $config = [Confluent.Kafka.ProducerConfig]::new()
            $config.Set('test.mock.num.brokers', '3')
            $mock = [Confluent.Kafka.ProducerBuilder[byte[], byte[]]]::new($config).Build()
            try {
                $admin = [Confluent.Kafka.DependentAdminClientBuilder]::new($mock.Handle).Build()
                $bootstrap = ($admin.GetMetadata([TimeSpan]::FromSeconds(10)).Brokers | ForEach-Object { "$($_.Host):$($_.Port)" }) -join ','
                $cluster = New-TestName kafka
                $null = New-OmsDataSource $cluster -Type Kafka -Server $bootstrap
                (Test-OmsDataSource $cluster -Role Target | Where-Object Status -eq 'Fail') | Should -BeNullOrEmpty
                $db = New-TestSourceDatabase kfk 40
                $name = New-TestName task
                $null = New-OmsTask $name -Source $source -Target $cluster -Include "$db.*" -MigrationType Schema, Full -MessageFormat Canal
                $null = Start-OmsForward $name -Wait
                $task = Get-OmsTask $name
                "$($task.Status)" | Should -Be 'Completed'
                $consumer = [Confluent.Kafka.ConsumerBuilder[byte[], byte[]]]::new([Confluent.Kafka.ConsumerConfig]@{
                        BootstrapServers = $bootstrap; GroupId = 'pester'; IsolationLevel = 'ReadCommitted'; EnablePartitionEof = $true }).Build()
                try {
                    # Every committed message of the table's topic, read with read_committed: one INSERT per row.
                    $topic = "$name.$db.items"
                    $partitions = $admin.GetMetadata($topic, [TimeSpan]::FromSeconds(10)).Topics[0].Partitions
                    $consumer.Assign([Confluent.Kafka.TopicPartitionOffset[]]@($partitions | ForEach-Object { [Confluent.Kafka.TopicPartitionOffset]::new($topic, $_.PartitionId, [Confluent.Kafka.Offset]::Beginning) }))
                    $rows = @(); $ended = 0; $deadline = (Get-Date).AddSeconds(60)
                    while ($ended -lt $partitions.Count -and (Get-Date) -lt $deadline) {
                        $result = $consumer.Consume([TimeSpan]::FromMilliseconds(200))
                        if ($null -eq $result) { continue }
                        if ($result.IsPartitionEOF) { $ended++; continue }
                        $rows += [Text.Encoding]::UTF8.GetString($result.Message.Value) | ConvertFrom-Json
                    }
                    $rows.Count | Should -Be 40
                    ($rows.type | Sort-Object -Unique) | Should -Be 'INSERT'
                    ($rows.data.id | Sort-Object { [int] $_ }) | Should -Be (1..40 | ForEach-Object { "$_" })
                } finally { $consumer.Dispose() }
                Remove-OmsTask $name -Force -Confirm:$false -WarningAction SilentlyContinue
                Remove-TestDatabase $db
            } finally { $admin.Dispose(); $mock.Dispose() }
        }

        It 'refuses Kafka options for a database target (KafkaOptionWithoutKafka) and Kafka as a source' {
            New-OmsTask (New-TestName task) @base -MessageFormat Canal -ErrorAction SilentlyContinue -ErrorVariable failed
            Get-ErrorId $failed | Should -Contain 'KafkaOptionWithoutKafka'
            New-OmsTask (New-TestName task) -Source $kafka -Target $target -Include 'shop.*' -MigrationType Schema -ErrorAction SilentlyContinue -ErrorVariable failed
            Get-ErrorId $failed | Should -Contain 'KafkaSourceNotSupported'
        }
    }

    Context 'defining' -Tag Integration {
        It 'stores every option and returns the task' {
            $name = New-TestName task
            $task = New-OmsTask $name @base -Exclude 'shop.tmp_*' -Rename @{ shop = 'shop_v2' } -RowFilter @{ 'shop.orders' = "placed_at >= '2024-01-01'" } `
                -Column @{ 'shop.a' = 'id', 'total'; 'shop.b' = 'id, name' } -IndexMigration AfterFull -RowsPerSecond 500 -Label prod, ' prod ', nightly
            $task.Name | Should -Be $name
            "$($task.Status)" | Should -Be 'Created'
            $task.Include | Should -Be 'shop.*'
            $task.Exclude | Should -Be 'shop.tmp_*'
            $task.Labels | Should -Be 'prod', 'nightly'
            "$($task.MigrationType)" | Should -Be 'Schema, Full'
            (Get-OmsTask $name).Source | Should -Be $source
        }
        It 'creates nothing with -WhatIf' {
            $name = New-TestName task
            New-OmsTask $name @base -WhatIf | Should -BeNullOrEmpty
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        It 'sizes a task with -Resources, the parameters given beside it overriding the size' {
            $large = New-OmsTask (New-TestName large) @base -Resources Large
            $large.ReadConcurrency, $large.WriteConcurrency, $large.IncrementalMemoryLimit | Should -Be 4, 8, 256MB
            $small = New-OmsTask (New-TestName small) @base -Resources Small -WriteConcurrency 3
            $small.ReadConcurrency, $small.WriteConcurrency, $small.IncrementalMemoryLimit | Should -Be 1, 3, 32MB
            $plain = New-OmsTask (New-TestName plain) @base
            $plain.ReadConcurrency, $plain.WriteConcurrency, $plain.IncrementalMemoryLimit, $plain.ChunkRows, $plain.FullLoadBinlog | Should -Be 2, 2, 64MB, 0, $false
        }
        It 'stores -ChunkRows, -IncrementalMemoryLimit and -FullLoadBinlog' {
            $task = New-OmsTask (New-TestName settings) @base -ChunkRows 700 -IncrementalMemoryLimit 16MB -FullLoadBinlog
            $task.ChunkRows, $task.IncrementalMemoryLimit, $task.FullLoadBinlog | Should -Be 700, 16MB, $true
            $stored = Get-TestStoredTask $task.Name
            $stored.ChunkRows, $stored.IncrementalMemoryLimit, $stored.FullLoadBinlog | Should -Be 700, 16MB, $true
        }
        It 'stores the DDL options' {
            $task = New-OmsTask (New-TestName ddl) -Source $source -Target $target -Include 'a.*' -MigrationType Full, Incremental -IncrementalDdl -OnlineDdlTool PtOsc
            $task.IncrementalDdl | Should -BeTrue
            "$($task.OnlineDdlTool)" | Should -Be 'PtOsc'
        }
        It 'stores the forward direction''s -DmlTypes; a task without it applies every kind' {
            $task = New-OmsTask (New-TestName dml) -Source $source -Target $target -Include 'a.*' -MigrationType Full, Incremental -DmlTypes Insert, Update
            "$($task.DmlTypes)" | Should -Be 'Insert, Update'
            "$((New-OmsTask (New-TestName dml) -Source $source -Target $target -Include 'a.*' -MigrationType Full, Incremental).DmlTypes)" | Should -Be 'All'
        }
    }

    Context 'objects from a CSV file' -Tag Integration {
        It 'migrates 50 tables listed in a CSV file with renames, row filters and columns' {
            $db = New-TestDatabaseName csv
            $sql = "CREATE DATABASE ``$db``;"
            foreach ($i in 1..50) { $sql += "CREATE TABLE ``$db``.t$i (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(10)); INSERT INTO ``$db``.t$i SELECT seq, seq * $i, 'n' FROM ``$db``.seq_1_to_10;" }
            Invoke-TestSql MariaDbA $sql
            $csv = Join-Path $stateHome "objects-$db.csv"
            1..50 | ForEach-Object {
                [pscustomobject]@{
                    Table = "$db.t$_"
                    TargetName = if ($_ % 2) { "${db}_t.renamed_$_" } else { '' }
                    RowFilter = if ($_ % 3 -eq 0) { "id <= $($_ % 7 + 1)" } else { '' }
                    Columns = if ($_ % 5 -eq 0) { 'id,v' } else { '' }
                }
            } | Export-Csv -LiteralPath $csv -NoTypeInformation
            $name = New-TestName csv
            try {
                $task = New-OmsTask $name -Source $source -Target $target -ObjectFile $csv -Rename @{ $db = "${db}_t" } -MigrationType Schema, Full
                $task.Include.Count | Should -Be 50
                $null = Start-OmsForward $name -Wait
                foreach ($i in 1..50) {
                    $table = if ($i % 2) { "renamed_$i" } else { "t$i" }
                    $expected = if ($i % 3 -eq 0) { $i % 7 + 1 } else { 10 }
                    Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``${db}_t``.``$table``" -Scalar | Should -Be $expected -Because "$table"
                    $columns = @(Invoke-TestSql MariaDbB "SELECT column_name FROM information_schema.columns WHERE table_schema = '${db}_t' AND table_name = '$table' ORDER BY ordinal_position" -Column)
                    $columns -join ',' | Should -Be $(if ($i % 5 -eq 0) { 'id,v' } else { 'id,v,note' }) -Because "$table"
                }
                # The same objects given as rows (Import-Csv) make the same task.
                $again = New-OmsTask (New-TestName rows) -Source $source -Target $target -Object (Import-Csv $csv) -Rename @{ $db = "${db}_t" } -MigrationType Schema, Full
                (Get-TestStoredTask $again.Name).RowFilters.Count | Should -Be (Get-TestStoredTask $name).RowFilters.Count
                (Get-TestStoredTask $again.Name).Renames.Count | Should -Be 26
            } finally {
                Remove-OmsTask $name -Force -Confirm:$false -ErrorAction SilentlyContinue
                Invoke-TestSql MariaDbA "DROP DATABASE IF EXISTS ``$db``"
                Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``${db}_t``"
            }
        }
        It 'names the row and column at fault in a CSV file and stores nothing' {
            $csv = Join-Path $stateHome 'bad-objects.csv'
            'Table,TargetName,Filter', 'shop.a,b,x' | Set-Content $csv
            $name = New-TestName badcsv
            New-OmsTask $name @base -ObjectFile $csv -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidObjectList,*'
            "$($e[0])" | Should -BeLike "*row 1: column 'Filter'*"
            Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }

    Context 'refusing bad options before storing anything' -Tag Integration {
        It 'refuses <Options> with <ErrorId>' -ForEach @(
            @{ Options = @{ Name = 'has space' }; ErrorId = 'InvalidTaskName' }
            @{ Options = @{ Name = 'x' * 65 }; ErrorId = 'InvalidTaskName' }
            @{ Options = @{ Source = 'no-such-source' }; ErrorId = 'DataSourceNotFound' }
            @{ Options = @{ Include = 'shop' }; ErrorId = 'InvalidIncludePattern' }
            @{ Options = @{ Include = @() }; ErrorId = 'InvalidIncludePattern' }
            @{ Options = @{ Rename = @{ 'a.b.c' = 'x' } }; ErrorId = 'InvalidRenameKey' }
            @{ Options = @{ Rename = @{ 'shop' = 'a.b' } }; ErrorId = 'InvalidRenameValue' }
            @{ Options = @{ RowFilter = @{ 'shop' = 'id > 1' } }; ErrorId = 'InvalidRowFilterKey' }
            @{ Options = @{ RowFilter = @{ 'shop.t' = ' ' } }; ErrorId = 'InvalidRowFilterValue' }
            @{ Options = @{ Column = @{ 'shop' = 'id' } }; ErrorId = 'InvalidColumnKey' }
            @{ Options = @{ Column = @{ 'shop.t' = @() } }; ErrorId = 'InvalidColumnValue' }
            @{ Options = @{ Column = @{} }; ErrorId = 'InvalidColumnValue' }
            @{ Options = @{ Partition = @{ 'shop' = 'p1' } }; ErrorId = 'InvalidPartitionKey' }
            @{ Options = @{ Partition = @{ 'shop.t' = @() } }; ErrorId = 'InvalidPartitionValue' }
            @{ Options = @{ Partition = @{ 'shop.t' = ' , ' } }; ErrorId = 'InvalidPartitionValue' }
            @{ Options = @{ Partition = @{ 'other.t' = 'p1' } }; ErrorId = 'PartitionTableNotInTask' }
            @{ Options = @{ ReadConcurrency = 0 }; ErrorId = 'InvalidReadConcurrency' }
            @{ Options = @{ WriteConcurrency = -1 }; ErrorId = 'InvalidWriteConcurrency' }
            @{ Options = @{ RowsPerSecond = -5 }; ErrorId = 'InvalidRowsPerSecond' }
            @{ Options = @{ BytesPerSecond = -5 }; ErrorId = 'InvalidBytesPerSecond' }
            @{ Options = @{ Topology = 'Bidirectional' }; ErrorId = 'InvalidMigrationType' }
            @{ Options = @{ StartTimestamp = [datetime]::Now }; ErrorId = 'InvalidStartTimestamp' }
            @{ Options = @{ DmlTypes = 'Insert' }; ErrorId = 'InvalidDmlTypes' }
            @{ Options = @{ StopAfter = 'Full'; MigrationType = 'Schema' }; ErrorId = 'InvalidStopAfter' }
            @{ Options = @{ StopAfter = 'Full'; MigrationType = 'Schema', 'Full' }; ErrorId = 'InvalidStopAfter' }
            @{ Options = @{ DmlTypes = @(); MigrationType = 'Full', 'Incremental' }; ErrorId = 'InvalidDmlTypes' }
            @{ Options = @{ ConflictPolicy = 'NewerWins' }; ErrorId = 'InvalidConflictPolicy' }
            @{ Options = @{ IncrementalDdl = $true }; ErrorId = 'InvalidIncrementalDdl' }
            @{ Options = @{ OnlineDdlTool = 'GhOst' }; ErrorId = 'InvalidOnlineDdlTool' }
            @{ Options = @{ ChunkRows = -1 }; ErrorId = 'InvalidChunkRows' }
            @{ Options = @{ ChunkRows = 20000000 }; ErrorId = 'InvalidChunkRows' }
            @{ Options = @{ IncrementalMemoryLimit = 1KB }; ErrorId = 'InvalidIncrementalMemoryLimit' }
            @{ Options = @{ Include = @(); Object = @([pscustomobject]@{ Table = 'shop.a'; Target = 'x' }) }; ErrorId = 'InvalidObjectList' }
            @{ Options = @{ Include = @(); Object = @([pscustomobject]@{ Table = ' ' }) }; ErrorId = 'InvalidObjectList' }
            @{ Options = @{ Rename = @{ 'shop.a' = 'b' }; Object = @(@{ Table = 'shop.a'; TargetName = 'c' }) }; ErrorId = 'InvalidObjectList' }
            @{ Options = @{ ObjectFile = 'no-such-objects.csv' }; ErrorId = 'ObjectFileNotFound' }
        ) {
            $parameters = @{ Name = (New-TestName bad) } + $base
            foreach ($key in $Options.Keys) { $parameters[$key] = $Options[$key] }
            New-OmsTask @parameters -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $ids = $e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
            $ids | Should -Contain $ErrorId
            $record = $e | Where-Object { $_.FullyQualifiedErrorId -like "$ErrorId,*" } | Select-Object -First 1
            $record.Exception.Message | Should -Not -BeNullOrEmpty
            Get-OmsTask $parameters.Name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        It 'reports every problem at once, each with its own id and the task as target' {
            $name = New-TestName multi
            New-OmsTask $name -Source $source -Target 'no-such-target' -Include 'shop' -MigrationType Full -ReadConcurrency 0 -ErrorVariable e -ErrorAction SilentlyContinue
            $ids = $e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
            $ids | Should -Be 'DataSourceNotFound', 'InvalidIncludePattern', 'InvalidReadConcurrency'
            ($e | Where-Object { $_.FullyQualifiedErrorId -like 'DataSourceNotFound,*' }).TargetObject | Should -Be 'no-such-target'
            ($e | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidReadConcurrency,*' }).TargetObject | Should -Be $name
        }
        It 'refuses a second task of the same name (TaskExists)' {
            $name = New-TestName dup
            $null = New-OmsTask $name @base
            New-OmsTask $name @base -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskExists,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        }
    }

    Context 'row filters that are not one condition' -Tag Integration {
        It 'refuses <Text> as InvalidRowFilterValue (<Reason>), naming the table, and stores nothing' -ForEach $hostileFilters {
            $db = New-TestRowFilterDatabase rfbad
            try {
                $name = New-TestName bad
                New-OmsTask $name -Source $source -Target $target -Include "$db.orders" -MigrationType Full -RowFilter @{ "$db.orders" = $Text -f $db } `
                    -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-ErrorId $e | Should -Be 'InvalidRowFilterValue'
                $e[0].Exception.Message | Should -Match ([regex]::Escape("'$db.orders'"))
                $e[0].Exception.Message | Should -Match $Reason
                Get-OmsTask $name -ErrorVariable gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-ErrorId $gone | Should -Be 'TaskNotFound'
                Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.victim" -Scalar | Should -Be 3
            } finally { Remove-TestDatabase $db }
        }
    }

    Context 'row filters on a PostgreSQL source' -Tag Integration {
        BeforeAll {
            $pgSource = New-TestDataSource Postgres pg
            $myTarget = New-TestDataSource MariaDbB my
        }
        AfterAll { Remove-OmsDataSource $pgSource, $myTarget -Confirm:$false }

        It 'refuses <Text> by the same rules (<Reason>) and runs nothing' -ForEach @(
            @{ Text = 'id > 0; DROP TABLE {0}.victim'; Reason = 'statement separator' }
            @{ Text = "query_to_xml('DROP TABLE {0}.victim', true, true, '') IS NOT NULL"; Reason = 'changes state' }
            @{ Text = 'id > 0 --x'; Reason = 'comment' }
            @{ Text = 'id::text = $$1$$'; Reason = 'dollar-quoted' }
        ) {
            $schema = New-TestDatabaseName rfpg
            Invoke-TestPgSql "CREATE SCHEMA $schema; CREATE TABLE $schema.orders (id int PRIMARY KEY); CREATE TABLE $schema.victim (id int PRIMARY KEY); INSERT INTO $schema.victim VALUES (1);"
            try {
                $name = New-TestName t
                New-OmsTask $name -Source $pgSource -Target $myTarget -Include "$schema.orders" -MigrationType Full -RowFilter @{ "$schema.orders" = $Text -f $schema } `
                    -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-ErrorId $e | Should -Be 'InvalidRowFilterValue'
                $e[0].Exception.Message | Should -Match $Reason
                Invoke-TestPgSql "SELECT count(*) FROM $schema.victim" -Scalar | Should -Be 1
            } finally { Invoke-TestPgSql "DROP SCHEMA IF EXISTS $schema CASCADE" }
        }
    }

    Context 'partitions' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName part
            Invoke-TestSql MariaDbA @"
CREATE DATABASE ``$db``;
CREATE TABLE ``$db``.sales (id INT NOT NULL, sold DATE NOT NULL, note VARCHAR(20), PRIMARY KEY (id, sold))
  PARTITION BY RANGE (YEAR(sold)) (PARTITION p2024 VALUES LESS THAN (2025), PARTITION p2025 VALUES LESS THAN (2026),
                                   PARTITION p2026 VALUES LESS THAN (2027), PARTITION pmax VALUES LESS THAN MAXVALUE);
INSERT INTO ``$db``.sales SELECT seq, DATE '2024-01-01' + INTERVAL (seq % 1460) DAY, CONCAT('n', seq) FROM ``$db``.seq_1_to_4000;
CREATE TABLE ``$db``.plain (id INT PRIMARY KEY);
"@
        }
        AfterAll {
            Invoke-TestSql MariaDbA "DROP DATABASE IF EXISTS ``$db``"
            Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``${db}_t``; DROP DATABASE IF EXISTS ``${db}_x``"
        }
        It 'copies the rows of the partitions named, and only those' {
            $name = New-TestName part
            try {
                $task = New-OmsTask $name -Source $source -Target $target -Include "$db.*" -Rename @{ $db = "${db}_t" } -MigrationType Schema, Full `
                    -Partition @{ "$db.sales" = 'p2025', 'p2026' }
                (Get-TestStoredTask $task.Name).Partitions."$db.sales" | Should -Be 'p2025', 'p2026'
                $null = Start-OmsForward $name -Wait
                $expected = Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.sales PARTITION (p2025, p2026)" -Scalar
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``${db}_t``.sales" -Scalar | Should -Be $expected
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``${db}_t``.sales WHERE YEAR(sold) NOT IN (2025, 2026)" -Scalar | Should -Be 0
            } finally { Remove-OmsTask $name -Force -Confirm:$false -ErrorAction SilentlyContinue }
        }
        It 'refuses at Start-OmsForward a partition the table lacks or a table that is not partitioned, copying nothing' -ForEach @(
            @{ Table = 'sales'; Partitions = 'p2025', 'p1999'; Words = "*'p1999'*p2024, p2025, p2026, pmax*" }
            @{ Table = 'plain'; Partitions = 'p2025'; Words = '*not partitioned*' }
        ) {
            $name = New-TestName badpart
            try {
                $null = New-OmsTask $name -Source $source -Target $target -Include "$db.$Table" -Rename @{ $db = "${db}_x" } -MigrationType Schema, Full `
                    -Partition @{ "$db.$Table" = $Partitions }
                Start-OmsForward $name -Wait -ErrorVariable e -ErrorAction SilentlyContinue
                "$($e[0])" | Should -BeLike $Words
                "$($e[0])" | Should -BeLike '*Set-OmsTask -Partition*'
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '${db}_x'" -Scalar | Should -Be 0
            } finally { Remove-OmsTask $name -Force -Confirm:$false -ErrorAction SilentlyContinue }
        }
    }

    Context 'row filters and columns on tables outside the task' -Tag Integration {
        It 'refuses both (RowFilterTableNotInTask, ColumnTableNotInTask), naming the table and the parameter' {
            $db = New-TestRowFilterDatabase rfout
            try {
                $name = New-TestName out
                New-OmsTask $name -Source $source -Target $target -Include "$db.orders" -MigrationType Full -RowFilter @{ "$db.customers" = 'id > 1' } `
                    -Column @{ "$db.items" = 'id' } -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-ErrorId $e | Should -Be 'RowFilterTableNotInTask', 'ColumnTableNotInTask'
                $e[0].Exception.Message | Should -Match ([regex]::Escape("'$db.customers'"))
                # Each names the parameter at fault (the message opens with it) and is an invalid argument of this task.
                $e[0].Exception.Message | Should -BeLike '-RowFilter *'
                $e[1].Exception.Message | Should -BeLike '-Column *'
                $e[1].Exception.Message | Should -Match ([regex]::Escape("'$db.items'"))
                $e | ForEach-Object { "$($_.CategoryInfo.Category)" } | Should -Be 'InvalidArgument', 'InvalidArgument'
                $e | ForEach-Object TargetObject | Should -Be $name, $name
                Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            } finally { Remove-TestDatabase $db }
        }
    }

    Context 'quoted names in -Include' -Tag Integration {
        It 'says in its help how to quote a name holding a back-quote or a dot, and such a pattern selects that table' {
            $help = (Get-Help New-OmsTask -Parameter Include).description.Text -join "`n"
            $help | Should -Match 'back-quote'
            $help | Should -Match ([regex]::Escape("'``my.db``.*'"))
            $help | Should -Match 'doubled'

            $db = New-TestDatabaseName q.d
            Invoke-TestSql MariaDbA ('CREATE DATABASE `{0}`; CREATE TABLE `{0}`.`it``s` (id INT PRIMARY KEY); INSERT INTO `{0}`.`it``s` VALUES (1), (2)' -f $db)
            $name = New-TestName quoted
            try {
                $null = New-OmsTask $name -Source $source -Target $target -Include ('`{0}`.`it``s`' -f $db) -MigrationType Schema, Full
                $done = Start-OmsForward $name -Wait -Confirm:$false
                "$($done.Status)" | Should -Be 'Completed'
                Invoke-TestSql MariaDbB ('SELECT COUNT(*) FROM `{0}`.`it``s`' -f $db) -Scalar | Should -Be 2
            } finally { Remove-OmsTask $name -Force -Confirm:$false -ErrorAction SilentlyContinue; Remove-TestDatabase $db }
        }
    }

    Context 'a name used again' -Tag Integration {
        It 'copies the tables again for a task created under a removed task''s name, whose rows in `oms` went with it' {
            $db = New-TestSourceDatabase again 1000
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            $definition = @{ Source = $t.Source; Target = $t.Target; Include = "$db.*"; Rename = @{ $db = $t.TargetDatabase }; MigrationType = 'Schema', 'Full', 'Incremental' }
            try {
                $null = Start-OmsForward $t.Task -Confirm:$false
                Wait-TestTaskPhase $t.Task
                $key = (Get-TestStoredTask $t.Task).OmsKey
                Remove-OmsTask $t.Task -Force -Confirm:$false -ErrorVariable e -WarningVariable w
                $e | Should -BeNullOrEmpty
                $w | Should -BeNullOrEmpty
                # Nothing of the removed task stays in `oms`: chunk marks and checkpoints on the target, its heartbeat on the source.
                Get-OmsRowCount MariaDbB full_chunks $key | Should -Be 0
                Get-OmsRowCount MariaDbB checkpoints $key | Should -Be 0
                Get-OmsRowCount MariaDbA heartbeat $key | Should -Be 0

                Invoke-TestSql MariaDbB "DROP DATABASE ``$($t.TargetDatabase)``"
                $null = New-OmsTask $t.Task @definition
                (Get-TestStoredTask $t.Task).OmsKey | Should -Not -Be $key
                $null = Start-OmsForward $t.Task -Confirm:$false
                Wait-TestTaskPhase $t.Task
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar | Should -Be 1000
                # Done is what was copied this time.
                $tables = (Get-OmsTask $t.Task).Tables
                $tables | Should -HaveCount 1
                $tables[0].Status | Should -Be 'Done'
                $tables[0].RowsCopied | Should -Be 1000

                # And changes flow from the new task's own start.
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.items (id, name) VALUES (1001, 'late')"
                Wait-TestCondition -What 'the row inserted after the copy' -Seconds 60 -Condition {
                    (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.items" -Scalar) -eq 1001 }
            } finally {
                Get-Job -Name $t.Task -ErrorAction SilentlyContinue | Remove-Job -Force
                Remove-TestTask $t; Remove-TestDatabase $db
            }
        }
    }
}
