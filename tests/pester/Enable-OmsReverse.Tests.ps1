BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Enable-OmsReverse' {
    Test-CmdletContract Enable-OmsReverse -Parameters Name, ConflictPolicy, TimestampColumn, DmlTypes, SkipCheck, RowsPerSecond, BytesPerSecond, WriteConcurrency, IncrementalMemoryLimit, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact Medium

    Context 'refusals' -Tag Integration {
        It 'refuses a one-way task (TaskNotBidirectional)' {
            $t = New-TestTask
            Enable-OmsReverse $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotBidirectional,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            Remove-TestTask $t
        }
        It 'refuses while the forward direction is not in its incremental phase (ForwardNotIncremental)' {
            $t = New-TestTask -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional' }
            Enable-OmsReverse $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ForwardNotIncremental,*'
            $e[0].Exception.Message | Should -BeLike '*incremental phase*'
            Remove-TestTask $t
        }
    }

    Context 'both directions of a bidirectional task' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName revbidi
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, v VARCHAR(20), ts DATETIME(6)); INSERT INTO ``$db``.items VALUES (1, 'one', NOW(6))"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional' }
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'starts nothing with -WhatIf' {
            Enable-OmsReverse $t.Task -WhatIf
            Get-OmsTask $t.Task | Should -HaveCount 1
        }
        It 'refuses a NewerWins policy without a timestamp column' {
            Enable-OmsReverse $t.Task -ConflictPolicy NewerWins -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidConflictPolicy,*'
        }
        It 'refuses an unknown check name (UnknownCheck)' {
            Enable-OmsReverse $t.Task -SkipCheck NoSuchCheck -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownCheck,*'
            $e[0].Exception.Message | Should -BeLike '*Known checks:*BinlogRowImage*'
            Get-OmsTask $t.Task | Should -HaveCount 1
        }
        It 'runs the reverse direction''s pre-checks first: a target whose binlog lacks whole rows refuses it (PreCheckFailed)' {
            Invoke-TestSql MariaDbB "SET GLOBAL binlog_row_image = 'MINIMAL'"
            try {
                Enable-OmsReverse $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            } finally { Invoke-TestSql MariaDbB "SET GLOBAL binlog_row_image = 'FULL'" }
            $e[0].FullyQualifiedErrorId | Should -BeLike 'PreCheckFailed,*'
            $e[0].Exception.Message | Should -BeLike "*BinlogRowImage ($($t.Target))*MINIMAL*"
            Get-OmsTask $t.Task | Should -HaveCount 1
        }
        It 'starts the reverse direction, from target to source, with its conflict policy' {
            $reverse = Enable-OmsReverse $t.Task -ConflictPolicy NewerWins -TimestampColumn ts -SkipCheck ReversePrivileges -PassThru -Confirm:$false -WarningVariable warnings
            @($warnings | Where-Object { "$_" -like "*Skipped: ReversePrivileges (-SkipCheck). It found: Pass*" }) | Should -HaveCount 1
            Get-TestWorkerLog $t.Task -Direction Reverse | Should -Match '\(-SkipCheck\): ReversePrivileges'
            "$($reverse.Direction)" | Should -Be 'Reverse'
            $reverse.Source | Should -Be $t.Target
            Wait-TestTaskPhase $t.Task -Direction Reverse
            Get-OmsTask $t.Task | Should -HaveCount 2
            $rule = (Get-OmsTask $t.Task)[0].ConflictRules | Where-Object Direction -eq Reverse
            "$($rule.Policy)" | Should -Be 'NewerWins'
        }
        It 'carries a change on each side to the other' {
            Invoke-TestSql MariaDbB "INSERT INTO items VALUES (2, 'from target', NOW(6))" -Database $t.TargetDatabase
            Invoke-TestSql MariaDbA "INSERT INTO items VALUES (3, 'from source', NOW(6))" -Database $db
            Wait-TestCondition -What 'the target''s row on the source' -Condition { (Invoke-TestSql MariaDbA 'SELECT v FROM items WHERE id = 2' -Database $db -Scalar) -eq 'from target' }
            Wait-TestCondition -What 'the source''s row on the target' -Condition { (Invoke-TestSql MariaDbB 'SELECT v FROM items WHERE id = 3' -Database $t.TargetDatabase -Scalar) -eq 'from source' }
        }
        It 'refuses to start the reverse direction twice (TaskAlreadyRunning)' {
            Enable-OmsReverse $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyRunning,*'
        }
    }

    Context 'the reverse direction''s own limits' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName revlim
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO ``$db``.t VALUES (1, 1)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional'; WriteConcurrency = 2 }
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'refuses a bad limit (InvalidRowsPerSecond) and starts nothing' {
            Enable-OmsReverse $t.Task -RowsPerSecond -1 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidRowsPerSecond,*'
            Get-OmsTask $t.Task | Should -HaveCount 1
        }
        It 'runs the reverse direction with its own rate limit, lanes and memory while the forward one keeps the task''s, and takes a new one while running' {
            $reverse = Enable-OmsReverse $t.Task -RowsPerSecond 20 -WriteConcurrency 1 -IncrementalMemoryLimit 16MB -PassThru -Confirm:$false
            $reverse.RowsPerSecondLimit, $reverse.WriteConcurrency, $reverse.IncrementalMemoryLimit | Should -Be 20, 1, 16MB
            $forward = Get-OmsTask $t.Task | Where-Object Direction -eq Forward
            $forward.RowsPerSecondLimit, $forward.WriteConcurrency, $forward.IncrementalMemoryLimit | Should -Be 0, 2, 64MB
            Wait-TestTaskPhase $t.Task -Direction Reverse
            # 200 rows written on each side at once: the forward direction applies its 200 unpaced, the reverse one 20 a second.
            Invoke-TestSql MariaDbB ((1001..1200 | ForEach-Object { "INSERT INTO ``$($t.TargetDatabase)``.t VALUES ($_, $_);" }) -join '')
            Invoke-TestSql MariaDbA ((5001..5200 | ForEach-Object { "INSERT INTO ``$db``.t VALUES ($_, $_);" }) -join '')
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Wait-TestCondition -What 'the forward direction''s 200 rows' -Seconds 30 -Condition {
                (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t WHERE id > 5000" -Scalar) -eq 200 }
            Start-Sleep -Seconds 3
            $back = Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.t WHERE id BETWEEN 1001 AND 1200" -Scalar
            $back | Should -BeLessOrEqual ([math]::Ceiling(20 * $watch.Elapsed.TotalSeconds) + 30) -Because 'the reverse direction is paced at 20 rows a second'
            $back | Should -BeGreaterThan 0
            # Lifted for the reverse direction alone, while it runs.
            Set-OmsTask $t.Task -Direction Reverse -RowsPerSecond 0 -Confirm:$false
            Wait-TestCondition -What 'the rest of the target''s rows on the source' -Seconds 30 -Condition {
                (Invoke-TestSql MariaDbA "SELECT COUNT(*) FROM ``$db``.t WHERE id BETWEEN 1001 AND 1200" -Scalar) -eq 200 }
            (Get-OmsTask $t.Task | Where-Object Direction -eq Reverse).RowsPerSecondLimit | Should -Be 0
            (Get-TestStoredTask $t.Task).RowsPerSecond | Should -Be 0
        }
        It 'refuses -Direction Reverse limits for a one-way task, and -Resources with it (InvalidDirection)' {
            $oneWay = New-TestTask
            try {
                Set-OmsTask $oneWay.Task -Direction Reverse -RowsPerSecond 5 -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                @($e | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be 'InvalidDirection'
                "$($e[0])" | Should -BeLike '*one-way*'
                (Get-TestStoredTask $oneWay.Task).ReverseLimits | Should -BeNullOrEmpty
                Set-OmsTask $oneWay.Task -Direction Reverse -Resources Large -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue
                @($e2 | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Contain 'InvalidDirection'
                @($e2 | Where-Object { "$_" -like '*-Resources sizes the whole task*' }) | Should -HaveCount 1
            } finally { Remove-TestTask $oneWay }
        }
    }

    Context 'the reverse direction''s -DmlTypes' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName revdml
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO ``$db``.items VALUES (1, 'one'), (2, 'two'), (3, 'three')"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional' }
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'refuses a -DmlTypes that names no kind (InvalidDmlTypes) and starts nothing' {
            Enable-OmsReverse $t.Task -DmlTypes @() -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDmlTypes,*'
            Get-OmsTask $t.Task | Should -HaveCount 1
        }
        It 'carries inserts and updates made on the target back to the source, and not its deletes' {
            $reverse = Enable-OmsReverse $t.Task -DmlTypes Insert, Update -PassThru -Confirm:$false
            "$($reverse.DmlTypes)" | Should -Be 'Insert, Update'
            Wait-TestTaskPhase $t.Task -Direction Reverse
            # The delete comes first in the target's binlog: once the later insert and update are on the source, it was read and dropped.
            Invoke-TestSql MariaDbB "DELETE FROM items WHERE id = 2; INSERT INTO items VALUES (10, 'ten'); UPDATE items SET v = 'uno' WHERE id = 1" -Database $t.TargetDatabase
            Wait-TestCondition -What 'the target''s insert and update on the source' -Condition {
                (Invoke-TestSql MariaDbA 'SELECT COUNT(*) FROM items WHERE (id = 10 AND v = ''ten'') OR (id = 1 AND v = ''uno'')' -Database $db -Scalar) -eq 2 }
            Invoke-TestSql MariaDbA 'SELECT v FROM items WHERE id = 2' -Database $db -Scalar | Should -Be 'two'
            Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM items WHERE id = 2' -Database $t.TargetDatabase -Scalar | Should -Be 0
            (Get-OmsTask $t.Task | Where-Object Direction -eq Forward).DmlTypes | Should -Be 'All'
            Get-TestWorkerLog $t.Task -Direction Reverse | Should -Match 'applies only Insert, Update changes \(-DmlTypes\)'
        }
        It 'still carries the source''s deletes forward' {
            Invoke-TestSql MariaDbA 'DELETE FROM items WHERE id = 3' -Database $db
            Wait-TestCondition -What 'the source''s delete on the target' -Condition { (Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM items WHERE id = 3' -Database $t.TargetDatabase -Scalar) -eq 0 }
        }
    }
}
