BeforeDiscovery {
    . $PSScriptRoot/CmdletContract.ps1
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    $hostileFilters = Get-TestHostileRowFilter
}
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    function Get-ErrorId($Records) { @($Records | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Set-OmsTask' {
    Test-CmdletContract Set-OmsTask -Parameters Name, Include, Exclude, Rename, RowFilter, Column, Partition, StartTimestamp, MigrationType, NonEmptyTarget,
        IndexMigration, RowsPerSecond, BytesPerSecond, ReadConcurrency, WriteConcurrency, AutoRestart, Label, IncrementalDdl, OnlineDdlTool, PassThru,
        IncrementalMemoryLimit, Resources, ChunkRows, FullLoadBinlog, DmlTypes, Direction, StopAfter `
        -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact Medium

    Context 'changing options' -Tag Integration {
        BeforeEach { $t = New-TestTask }
        AfterEach { Remove-TestTask $t }

        It 'changes limits, labels and objects of a task that never ran' {
            $changed = Set-OmsTask $t.Task -RowsPerSecond 10 -Label x -Include 'shop.orders' -PassThru -Confirm:$false
            $changed.Labels | Should -Be 'x'
            $changed.Include | Should -Be 'shop.orders'
        }
        It 'changes the chunk size, memory limit and binlog setting, and applies a -Resources size under the parameters given' {
            $changed = Set-OmsTask $t.Task -ChunkRows 900 -FullLoadBinlog -Resources Large -ReadConcurrency 3 -PassThru -Confirm:$false
            $changed.ChunkRows, $changed.FullLoadBinlog | Should -Be 900, $true
            $changed.ReadConcurrency, $changed.WriteConcurrency, $changed.IncrementalMemoryLimit | Should -Be 3, 8, 256MB
            $changed = Set-OmsTask $t.Task -FullLoadBinlog:$false -IncrementalMemoryLimit 8MB -PassThru -Confirm:$false
            $changed.FullLoadBinlog, $changed.IncrementalMemoryLimit, $changed.ChunkRows | Should -Be $false, 8MB, 900
            Set-OmsTask $t.Task -ChunkRows -3 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidChunkRows,*'
            (Get-OmsTask $t.Task).ChunkRows | Should -Be 900
        }
        It 'changes nothing with -WhatIf' {
            Set-OmsTask $t.Task -Label whatif -WhatIf
            (Get-OmsTask $t.Task).Labels | Should -BeNullOrEmpty
        }
        It 'refuses a bad value (InvalidReadConcurrency) and keeps the task as it was' {
            Set-OmsTask $t.Task -ReadConcurrency 0 -Label y -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidReadConcurrency,*'
            (Get-OmsTask $t.Task).Labels | Should -BeNullOrEmpty
        }
        It 'sets the partitions to migrate, refuses a table outside the task and clears them with an empty hashtable' {
            Set-OmsTask $t.Task -Partition @{ 'shop.orders' = 'p2025,p2026' } -Confirm:$false
            (Get-TestStoredTask $t.Task).Partitions.'shop.orders' | Should -Be 'p2025', 'p2026'
            Set-OmsTask $t.Task -Include 'shop.items' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'PartitionTableNotInTask,*'
            $e[0].Exception.Message | Should -BeLike "-Partition names table 'shop.orders'*"
            Set-OmsTask $t.Task -Partition @{} -Confirm:$false
            (Get-TestStoredTask $t.Task).Partitions.Count | Should -Be 0
        }
        It 'fixes the partitions once the task has run, and the objects of one that has run with DDL synchronization (TaskHasRun), not its limits' {
            Set-OmsTask $t.Task -MigrationType Full, Incremental -IncrementalDdl -Confirm:$false
            Stop-OmsTask $t.Task -Confirm:$false -WarningAction SilentlyContinue
            Set-OmsTask $t.Task -Partition @{ 'shop.orders' = 'p1' } -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskHasRun,*'
            $e[0].Exception.Message | Should -BeLike '*-Partition*'
            Set-OmsTask $t.Task -Include 'shop.*' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskHasRun,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            $e[0].Exception.Message | Should -BeLike '*-IncrementalDdl*'
            Set-OmsTask $t.Task -WriteConcurrency 4 -Label later -Confirm:$false
            (Get-OmsTask $t.Task).Labels | Should -Be 'later'
        }
        It 'turns DDL synchronization off only together with the online DDL tool' {
            Set-OmsTask $t.Task -MigrationType Full, Incremental -IncrementalDdl -OnlineDdlTool PtOsc -Confirm:$false
            Set-OmsTask $t.Task -IncrementalDdl:$false -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidOnlineDdlTool,*'
            $task = Set-OmsTask $t.Task -IncrementalDdl:$false -OnlineDdlTool None -PassThru -Confirm:$false
            $task.IncrementalDdl | Should -BeFalse
            "$($task.OnlineDdlTool)" | Should -Be 'None'
        }
        It 'sets the row changes each direction applies (-DmlTypes, -Direction) and refuses them where they cannot apply' {
            Set-OmsTask $t.Task -DmlTypes Insert -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDmlTypes,*'
            $e[0].Exception.Message | Should -BeLike '*no Incremental*'
            Set-OmsTask $t.Task -MigrationType Schema, Full, Incremental -DmlTypes Insert, Delete -Direction Reverse -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDmlTypes,*'
            $e[0].Exception.Message | Should -BeLike '*one-way*'
            Set-OmsTask $t.Task -Direction Reverse -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDirection,*'
            Set-OmsTask $t.Task -DmlTypes Update -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            "$((Get-OmsTask $t.Task).DmlTypes)" | Should -Be 'All'
            $task = Set-OmsTask $t.Task -MigrationType Schema, Full, Incremental -DmlTypes Insert, Update -PassThru -Confirm:$false
            "$($task.DmlTypes)" | Should -Be 'Insert, Update'
        }
        It 'sets the phase to stop after (-StopAfter), only one the task runs with a phase after it' {
            Set-OmsTask $t.Task -StopAfter Full -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStopAfter,*'
            $e[0].Exception.Message | Should -BeLike '*no phase after Full*'
            "$((Get-OmsTask $t.Task).StopAfter)" | Should -Be 'None'
            "$((Set-OmsTask $t.Task -StopAfter Schema -PassThru -Confirm:$false).StopAfter)" | Should -Be 'Schema'
            Set-OmsTask $t.Task -MigrationType Schema -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidStopAfter,*'
        }
        It 'reports an unknown task and goes on with the next piped name' {
            'no-such-task', $t.Task | Set-OmsTask -Label piped -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            (Get-OmsTask $t.Task).Labels | Should -Be 'piped'
        }
    }

    Context 'row filters' -Tag Integration {
        It 'refuses <Text> as InvalidRowFilterValue (<Reason>) and keeps the task as it was' -ForEach $hostileFilters {
            $db = New-TestRowFilterDatabase rfbad
            $t = New-TestTask -Database $db -Include "$db.orders"
            try {
                Set-OmsTask $t.Task -RowFilter @{ "$db.orders" = $Text -f $db } -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                Get-ErrorId $e | Should -Be 'InvalidRowFilterValue'
                $e[0].Exception.Message | Should -Match ([regex]::Escape("'$db.orders'"))
                $e[0].Exception.Message | Should -Match $Reason
                (Get-TestStoredTask $t.Task).RowFilters.Count | Should -Be 0
                Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.victim" -Scalar | Should -Be 3
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'refuses a filter on a table the task does not migrate (RowFilterTableNotInTask)' {
            $db = New-TestRowFilterDatabase rfout
            $t = New-TestTask -Database $db -Include "$db.orders"
            try {
                Set-OmsTask $t.Task -RowFilter @{ "$db.customers" = 'id > 1' } -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                Get-ErrorId $e | Should -Be 'RowFilterTableNotInTask'
                $e[0].Exception.Message | Should -Match ([regex]::Escape("'$db.customers'"))
                (Get-TestStoredTask $t.Task).RowFilters.Count | Should -Be 0
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }

    Context 'a new start timestamp on a task that has run' -Tag Integration {
        BeforeAll {
            # A server of its own keeps the binlog short: a timestamp start reads it from its first file.
            $serverName = New-TestName tsreset
            $ownServer = Start-TestMariaDb $serverName 611
            $db = New-TestDatabaseName tsreset
            Invoke-TestSql $ownServer "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Incremental'
            Set-OmsDataSource $t.Source -Port ([int] $ownServer.Split(':')[1]) -Confirm:$false
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db; Stop-TestMariaDb $serverName }

        It 'resets where incremental reading begins' {
            $null = Start-OmsForward $t.Task -Wait -SkipPreCheck -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Stop-OmsTask $t.Task -Confirm:$false
            Invoke-TestSql $ownServer "INSERT INTO ``$db``.t VALUES (1)" # before the new start: skipped
            Start-Sleep -Milliseconds 2100
            $now = [datetime]::Now
            $start = $now.AddTicks(-($now.Ticks % [timespan]::TicksPerSecond)) # binlog times are whole seconds
            Invoke-TestSql $ownServer "INSERT INTO ``$db``.t VALUES (2)"
            Set-OmsTask $t.Task -StartTimestamp $start -Confirm:$false
            $null = Resume-OmsTask $t.Task -Confirm:$false
            Wait-TestCondition -What 'the row written after the new start timestamp' -Condition {
                (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t WHERE id = 2" -Scalar) -eq 1 }
            Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t WHERE id = 1" -Scalar | Should -Be 0
        }
    }
    Context 'the objects of a running bidirectional task' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName joins
            # kept stays in the task, leaving leaves it, joining joins it while both sides write.
            Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; " + (@('kept', 'leaving', 'joining') | ForEach-Object {
                "CREATE TABLE ``$db``.$_ (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL); INSERT INTO ``$db``.$_ SELECT seq, CONCAT('row ', seq) FROM ``$db``.seq_1_to_3000;" }) -join '')
            $t = New-TestTask -Database $db -Include "$db.kept", "$db.leaving" -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional' }
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            $null = Enable-OmsReverse $t.Task -Confirm:$false
            Wait-TestTaskPhase $t.Task -Direction Reverse
            $target = $t.TargetDatabase
            function Get-Digest([string] $Server, [string] $Database, [string] $Table) {
                Invoke-TestSql $Server "SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(CRC32(CONCAT(id, '|', v))), 0)) FROM ``$Database``.$Table" -Scalar
            }
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'refuses to change how a table that stays is synchronized (TableChangeNotSupported) and changes nothing' {
            Set-OmsTask $t.Task -Rename @{ $db = $target; "$db.kept" = "$target.kept2" } -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TableChangeNotSupported,*'
            $e[0].Exception.Message | Should -BeLike "*$db.kept*target name*-Exclude*"
            (Get-TestStoredTask $t.Task).Renames.Keys | Should -Not -Contain "$db.kept"
        }
        It 'copies a table added while both sides write, leaves the removed one''s rows on the target, and goes on with the others' {
            $leavingBefore = Get-Digest MariaDbB $target leaving
            Set-OmsTask $t.Task -Include "$db.kept", "$db.joining" -Confirm:$false
            # Writes on both sides while the table joins: inserts, updates and deletes of the joining table on the source,
            # and of the kept one on both sides.
            foreach ($i in 1..40) {
                Invoke-TestSql MariaDbA ("INSERT INTO ``$db``.joining VALUES ($(5000 + $i), 'new $i'); UPDATE ``$db``.joining SET v = CONCAT(v, ' u$i') WHERE id = $($i * 70); " +
                    "DELETE FROM ``$db``.joining WHERE id = $($i * 70 + 1); UPDATE ``$db``.kept SET v = 'source $i' WHERE id = $i")
                Invoke-TestSql MariaDbB "UPDATE ``$target``.kept SET v = 'target $i' WHERE id = $(1000 + $i)"
                Start-Sleep -Milliseconds 100
            }
            # The table leaves at the point of the stream where the worker takes up the change (it looks once a second).
            Wait-TestCondition -What 'the worker taking up the change' -Condition { (Get-TestWorkerLog $t.Task) -match 'objects changed' }
            Invoke-TestSql MariaDbA "UPDATE ``$db``.leaving SET v = 'gone' WHERE id <= 40; DELETE FROM ``$db``.leaving WHERE id > 2990"
            Wait-TestCondition -What 'the joining table equal on both sides' -Seconds 120 -Condition {
                (Get-Digest MariaDbB $target joining) -eq (Get-Digest MariaDbA $db joining) } -Describe { Get-OmsTask $t.Task | Format-List Direction, Status, Phase, Message }
            Wait-TestCondition -What 'the kept table equal on both sides' -Condition { (Get-Digest MariaDbB $target kept) -eq (Get-Digest MariaDbA $db kept) }
            (Get-Digest MariaDbA $db joining).Split('/')[0] | Should -Be (3000 + 40 - 40)
            Invoke-TestSql MariaDbA "SELECT v FROM ``$db``.kept WHERE id = 1040" -Scalar | Should -Be 'target 40'
            # The table that left keeps on the target the rows it had; what its source did since stays there.
            Get-Digest MariaDbB $target leaving | Should -Be $leavingBefore
            # The joined table now flows both ways, and the copy's rows were not brought back as changes.
            Invoke-TestSql MariaDbB "INSERT INTO ``$target``.joining VALUES (9001, 'from target')"
            Invoke-TestSql MariaDbA "UPDATE ``$db``.joining SET v = 'after' WHERE id = 2"
            Wait-TestCondition -What 'the target''s row on the source' -Condition { (Invoke-TestSql MariaDbA "SELECT v FROM ``$db``.joining WHERE id = 9001" -Scalar) -eq 'from target' }
            Wait-TestCondition -What 'the source''s update on the target' -Condition { (Invoke-TestSql MariaDbB "SELECT v FROM ``$target``.joining WHERE id = 2" -Scalar) -eq 'after' }
            @(Get-OmsConflict $t.Task) | Should -HaveCount 0
            Get-OmsTask $t.Task | ForEach-Object { "$($_.Status)" } | Should -Be 'Running', 'Running'
            Get-TestWorkerLog $t.Task | Should -Match 'join the task'
        }
    }

    Context 'a table joining a running bidirectional task into PostgreSQL' -Tag Integration {
        It 'copies it while the source writes, then carries its changes both ways' {
            $db = New-TestDatabaseName pgjoin
            Invoke-TestSql MariaDbA ("CREATE DATABASE ``$db``; " + (@('kept', 'joining') | ForEach-Object {
                "CREATE TABLE ``$db``.$_ (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL); INSERT INTO ``$db``.$_ SELECT seq, CONCAT('row ', seq) FROM ``$db``.seq_1_to_3000;" }) -join '')
            $source = New-TestDataSource MariaDbA src
            $target = New-TestDataSource Postgres pg
            $name = New-TestName pgjoin
            try {
                $null = New-OmsTask -Name $name -Source $source -Target $target -Include "$db.kept" -MigrationType Schema, Full, Incremental -Topology Bidirectional -Confirm:$false
                $null = Start-OmsForward $name -Wait -Confirm:$false
                Wait-TestTaskPhase $name
                $null = Enable-OmsReverse $name -Confirm:$false
                Wait-TestTaskPhase $name -Direction Reverse
                Set-OmsTask $name -Include "$db.kept", "$db.joining" -Confirm:$false
                foreach ($i in 1..20) {
                    Invoke-TestSql MariaDbA "INSERT INTO ``$db``.joining VALUES ($(5000 + $i), 'new $i'); UPDATE ``$db``.joining SET v = 'upd $i' WHERE id = $($i * 100); DELETE FROM ``$db``.joining WHERE id = $($i * 100 + 1)"
                    Start-Sleep -Milliseconds 100
                }
                $sourceDigest = Invoke-TestSql MariaDbA "SELECT CONCAT(COUNT(*), '/', SUM(id), '/', SUM(LENGTH(v))) FROM ``$db``.joining" -Scalar
                Wait-TestCondition -What 'the joined table equal on PostgreSQL' -Condition {
                    try { (Invoke-TestPgSql "SELECT COUNT(*) || '/' || SUM(id) || '/' || SUM(length(v)) FROM `"$db`".joining" -Scalar) -eq $sourceDigest } catch { $false } }
                Invoke-TestPgSql "INSERT INTO `"$db`".joining VALUES (9001, 'from postgres')"
                Wait-TestCondition -What 'the PostgreSQL row on the source' -Condition { (Invoke-TestSql MariaDbA "SELECT v FROM ``$db``.joining WHERE id = 9001" -Scalar) -eq 'from postgres' } `
                    -Describe { Get-OmsTask $name | Format-List Direction, Status, Phase, Message; Get-TestWorkerLog $name -Direction Reverse; Get-TestWorkerLog $name }
                @(Get-OmsConflict $name) | Should -HaveCount 0
            } finally {
                Remove-OmsTask $name -Force -Confirm:$false -ErrorAction SilentlyContinue
                Remove-OmsDataSource $source, $target -Confirm:$false -ErrorAction SilentlyContinue
                Invoke-TestPgSql "DROP SCHEMA IF EXISTS `"$db`" CASCADE"
                Remove-TestDatabase $db
            }
        }
    }

    Context 'rate limits on a running task' -Tag Integration {
        It 'paces incremental apply under -RowsPerSecond without splitting a transaction, and takes a new limit while running' {
            $db = New-TestDatabaseName rate
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ RowsPerSecond = 200 }
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Wait-TestTaskPhase $t.Task
                # 3,000 rows in 30 transactions of 100, written at once: at 200 rows a second they take about 15 s to apply.
                $sql = (0..29 | ForEach-Object { "INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_$($_ * 100 + 1)_to_$($_ * 100 + 100);" }) -join ''
                Invoke-TestSql MariaDbA $sql
                $watch = [Diagnostics.Stopwatch]::StartNew()
                Wait-TestCondition -What 'the first rows on the target' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -gt 0 }
                Start-Sleep -Seconds 5
                $applied = Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar
                $seconds = $watch.Elapsed.TotalSeconds
                # An upper bound only, generous for a loaded machine: the budget of the time passed, a quarter-second batch and one whole transaction.
                $applied | Should -BeLessOrEqual ([math]::Ceiling(200 * $seconds) + 50 + 100 + 200)
                $applied % 100 | Should -Be 0 -Because 'a transaction is applied whole'
                # The limit lifted on the running task reaches its worker, which then applies the rest at once.
                Set-OmsTask $t.Task -RowsPerSecond 0 -Confirm:$false
                Wait-TestCondition -What 'all 3,000 rows after the limit was lifted' -Seconds 20 -Condition {
                    (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 3000 }
                (Get-OmsTask $t.Task).WorkerPid | Should -BeGreaterThan 0
                # Options other than the rate limits still wait for a stopped worker.
                Set-OmsTask $t.Task -WriteConcurrency 3 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskRunning,*'
                "$($e[0])" | Should -BeLike '*-WriteConcurrency*'
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }
}
