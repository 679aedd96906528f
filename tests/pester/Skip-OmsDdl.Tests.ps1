BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Skip-OmsDdl' {
    Test-CmdletContract Skip-OmsDdl -Parameters Name, PassThru -Mandatory ':Name' -ByPropertyName Name -ConfirmImpact High

    Context 'a task paused at a DDL' -Tag Integration {
        BeforeAll {
            $db = New-TestDatabaseName skipddl
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT); INSERT INTO ``$db``.t VALUES (1, 1)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'refuses a task that is not paused at a DDL (NoPausedDdl)' {
            Skip-OmsDdl $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'NoPausedDdl,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        }
        It 'pauses at a DDL without DDL synchronization, naming the statement and Skip-OmsDdl' {
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $t.Task
            Invoke-TestSql MariaDbA 'ALTER TABLE t ADD COLUMN c INT; INSERT INTO t VALUES (2, 2, 2)' -Database $db
            Wait-TestTaskPhase $t.Task -Status Suspended
            $paused = Get-OmsTask $t.Task
            $paused.Message | Should -BeLike '*ADD COLUMN c*'
            $paused.Message | Should -BeLike '*Skip-OmsDdl*'
        }
        It 'skips nothing with -WhatIf' {
            Skip-OmsDdl $t.Task -WhatIf
            "$((Get-OmsDdl $t.Task).Outcome)" | Should -Be 'Paused'
        }
        It 'skips the DDL, resumes the task, and the rows after it arrive' {
            Invoke-TestSql MariaDbB 'ALTER TABLE t ADD COLUMN c INT' -Database $t.TargetDatabase
            $skipped = Get-OmsTask $t.Task | Skip-OmsDdl -Confirm:$false -PassThru
            "$($skipped.Outcome)" | Should -Be 'Skipped'
            $skipped.Statement | Should -BeLike '*ADD COLUMN c*'
            Wait-TestTaskPhase $t.Task
            Wait-TestCondition -What 'the row after the skipped DDL' -Condition { (Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM t WHERE c = 2' -Database $t.TargetDatabase -Scalar) -eq 1 }
            Get-OmsDdl -Name $t.Task -Outcome Skipped | Should -HaveCount 1
        }
    }
}
