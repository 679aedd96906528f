BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Set-OmsConflictPolicy' {
    Test-CmdletContract Set-OmsConflictPolicy -Parameters Name, Policy, Table, Direction, TimestampColumn, DetectStale, PassThru `
        -Mandatory ':Name', ':Policy' -ByPropertyName Name -ConfirmImpact Medium

    Context 'checking the rule against the task''s tables' -Tag Integration {
        BeforeAll {
            $db = New-TestSourceDatabase policy 10
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental' -Options @{ Topology = 'Bidirectional' }
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'refuses <Arguments> with <ErrorId>' -ForEach @(
            @{ Arguments = @{ Policy = 'NewerWins' }; ErrorId = 'InvalidConflictPolicy' }
            @{ Arguments = @{ Policy = 'Overwrite'; TimestampColumn = 'updated_at' }; ErrorId = 'InvalidConflictPolicy' }
            @{ Arguments = @{ Policy = 'Overwrite'; Table = 'nomatch.*' }; ErrorId = 'ConflictTableNotFound' }
            @{ Arguments = @{ Policy = 'NewerWins'; TimestampColumn = 'nope' }; ErrorId = 'TimestampColumnNotFound' }
            @{ Arguments = @{ Policy = 'NewerWins'; TimestampColumn = 'name' }; ErrorId = 'TimestampColumnType' }
        ) {
            Set-OmsConflictPolicy $t.Task @Arguments -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            (Get-OmsTask $t.Task).ConflictRules | Should -BeNullOrEmpty
        }
        It 'stores nothing with -WhatIf' {
            Set-OmsConflictPolicy $t.Task Overwrite -WhatIf
            (Get-OmsTask $t.Task).ConflictRules | Should -BeNullOrEmpty
        }
        It 'sets a rule per table and direction, replacing the same one' {
            $rule = Set-OmsConflictPolicy $t.Task Overwrite -Table "$db.items" -Direction Forward -PassThru -Confirm:$false
            "$($rule.Policy)" | Should -Be 'Overwrite'
            Set-OmsConflictPolicy $t.Task NewerWins -Table "$db.items" -Direction Forward -TimestampColumn updated_at -Confirm:$false
            Set-OmsConflictPolicy $t.Task Ignore -DetectStale -Confirm:$false
            $rules = (Get-OmsTask $t.Task).ConflictRules
            $rules | Should -HaveCount 2
            "$(($rules | Where-Object Table -eq "$db.items").Policy)" | Should -Be 'NewerWins'
            ($rules | Where-Object { -not $_.Table }).DetectStale | Should -BeTrue
        }
    }

    Context 'while the workers run' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName policylive
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.items (id INT PRIMARY KEY, v VARCHAR(20))"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'takes effect without a restart: Overwrite makes the target equal the source and records the conflict' {
            $workerPid = (Get-OmsTask $t.Task).WorkerPid
            Set-OmsConflictPolicy $t.Task Overwrite -Direction Forward -Confirm:$false
            Start-Sleep -Seconds 3 # the worker reads rules every few seconds
            Invoke-TestSql MariaDbB "SET sql_log_bin = 0; INSERT INTO items VALUES (20, 'old')" -Database $t.TargetDatabase
            Invoke-TestSql MariaDbA "INSERT INTO items VALUES (20, 'new')" -Database $db
            Wait-TestCondition -What 'the source row on the target' -Condition { (Invoke-TestSql MariaDbB 'SELECT v FROM items WHERE id = 20' -Database $t.TargetDatabase -Scalar) -eq 'new' }
            $conflict = Get-OmsConflict $t.Task -Unresolved
            $conflict | Should -HaveCount 1
            $conflict.Outcome | Should -Be 'AppliedSource'
            "$($conflict.Policy)" | Should -Be 'Overwrite'
            (Get-OmsTask $t.Task).WorkerPid | Should -Be $workerPid
        }
        It 'is counted by Get-OmsTask per minute and type, beside the skew between the two servers'' clocks' {
            $task = Get-OmsTask $t.Task
            $task.ConflictsPerMinute['InsertExists'] | Should -Be 0.2 # one conflict over the last five minutes
            [math]::Abs($task.ClockSkew.TotalSeconds) | Should -BeLessThan 1 # both test servers run on this machine's clock
        }
    }
}
